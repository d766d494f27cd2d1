package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The bit-sliced walk of a block of rows gives every row the leaves the one-row descent gives, and both
 * the leaves a node-by-node walk of each tree reaches, on random forests: every depth the slices take,
 * unbalanced trees (pass-through splits), thresholds shared by many splits, values equal to thresholds,
 * ±∞, and every block size from 1 to 64 rows. Its sums are the one-row descent's, bit for bit.
 */
class BitSlicesTest {

  private static final float[] VALUES = {Float.NEGATIVE_INFINITY, -2.5f, -1f, -0f, 0f, 0.25f, 0.5f, 1f, 3f,
      Float.MAX_VALUE, Float.POSITIVE_INFINITY};

  /**
   * A block prepared lane by lane ({@link Slots.Widener#columns}) holds, for every lane, the clamped key
   * each of its rows prepared alone holds: for all seven missing-value rules (two features read with each),
   * custom missing values, and values at every edge (NaN payloads, ±0, ±∞, subnormals, LightGBM's zero band).
   */
  @Test
  void aBlockPreparedLaneByLaneHoldsTheKeysOfItsRowsPreparedAlone() {
    // every rule, and XGBoost's two alone (the short path taken when the missing value is NaN)
    checkColumns(Missing.values());
    checkColumns(Missing.NAN_LEFT, Missing.NAN_RIGHT);
  }

  private static void checkColumns(Missing... rules) {
    Random random = new Random(7);
    Slots reading = new Slots();
    for (Missing rule : rules) {
      reading.slot(0, rule);
      reading.slot(1, rule);
    }
    reading.freeze();
    int slots = 2 * rules.length;
    float[] edges = {Float.NaN, Float.intBitsToFloat(0xffc00001), -0f, 0f, 1e-36f, -1e-36f, Float.MIN_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -999f, 2.5f, -2.5f};
    for (int round = 0; round < 20; round++) {
      Forest forest = Forest.of(randomTrees(random, 1 + random.nextInt(6), slots, 1 + random.nextInt(30)), true);
      Slots.Widener widener = forest.widener(reading);
      int lanes = forest.lanes();
      for (float missing : new float[] {Float.NaN, -999f, 0f, 1e-36f}) {
        int count = 1 + random.nextInt(TreePredictor.BLOCK);
        float[][] rows = new float[count][2];
        for (float[] row : rows) {
          for (int j = 0; j < 2; j++) {
            row[j] = random.nextBoolean() ? edges[random.nextInt(edges.length)] : (float) random.nextGaussian() * 3;
          }
        }
        int[] columns = new int[lanes * TreePredictor.BLOCK];
        widener.columns(rows, 0, count, missing, columns);
        long[] wide = new long[lanes];
        for (int r = 0; r < count; r++) {
          widener.prepare(rows[r], missing, wide, 0);
          for (int l = 0; l < lanes - 1; l++) {
            assertThat(columns[l * TreePredictor.BLOCK + r]).as("rules %s, round %d, missing %s, row %s, lane %d",
                Arrays.toString(rules), round, missing, Arrays.toString(rows[r]), l).isEqualTo(Forest.keyOf(wide[l]));
          }
        }
      }
    }
  }

  /**
   * A block is prepared lane by lane from the rows ({@link Slots.Widener#columns}), a value equal to a custom
   * missing value read as missing: the same predictions as NaN where it stands, and as each row alone.
   */
  @Test
  void aCustomMissingValueIsMissingInASlicedBlock() throws Exception {
    byte[] model = Reference.resource("xgboost1-binary-logistic.json");
    TreePredictor withNan = (TreePredictor) TreeEnsembles.xgboost("model.json", model, Float.NaN);
    TreePredictor withCustom = (TreePredictor) TreeEnsembles.xgboost("model.json", model, -999f);
    assertThat(withCustom.forest.sliced()).isTrue();
    float[][] rows = Rows.generate(100, withNan.inputWidth().getAsInt(), 17);
    float[][] custom = new float[rows.length][];
    int missing = 0;
    for (int r = 0; r < rows.length; r++) {
      custom[r] = rows[r].clone();
      for (int j = 0; j < custom[r].length; j++) {
        if (Float.isNaN(custom[r][j])) {
          custom[r][j] = -999f;
          missing++;
        }
      }
    }
    assertThat(missing).isGreaterThan(50);
    float[][] expected = withNan.predict(rows);
    assertThat(withCustom.predict(custom)).isDeepEqualTo(expected);
    for (int r = 0; r < rows.length; r++) {
      assertThat(withCustom.predict(custom[r])).as("row %d", r).isEqualTo(expected[r]);
    }
  }

  @Test
  void everyRowOfABlockReachesTheLeavesItsOwnDescentReaches() {
    Random random = new Random(42);
    for (int depth = 1; depth <= BitSlices.MAX_DEPTH; depth++) {
      for (int round = 0; round < 4; round++) {
        int slots = 1 + random.nextInt(6);
        int count = 1 + random.nextInt(12);
        List<Tree> trees = randomTrees(random, depth, slots, count);
        Forest forest = Forest.of(trees, true);
        assertThat(forest.sliced()).isTrue();
        for (int rows = 1; rows <= 64; rows++) {
          float[] values = randomValues(random, rows * slots);
          long[] keys = wide(forest, values, slots);
          int[] one = slicedAsOneRow(forest, keys, rows, "depth " + depth);
          for (int r = 0; r < rows; r++) {
            for (int t = 0; t < count; t++) {
              String what = String.format("depth %d, %d rows, row %d, tree %d", depth, rows, r, t);
              assertThat(forest.leafTree(one[r * count + t])).as(what).isEqualTo(t);
              assertThat(forest.leafNode(one[r * count + t])).as(what).isEqualTo(walk(trees.get(t), values, r * slots));
            }
          }
        }
      }
    }
  }

  @Test
  void aBlockSumsEveryRowBitForBitAsItsOwnDescentDoes() {
    Random random = new Random(43);
    for (int depth = 1; depth <= BitSlices.MAX_DEPTH; depth++) {
      int slots = 1 + random.nextInt(6);
      Forest forest = Forest.of(randomTrees(random, depth, slots, 1 + random.nextInt(40)), true);
      float[] leafValues = leafValues(random, forest);
      for (int rows = 1; rows <= 64; rows++) {
        long[] keys = wide(forest, randomValues(random, rows * slots), slots);
        checkSums(forest, leafValues, keys, rows, random.nextFloat() - 0.5f);
      }
    }
  }

  /** More trees than a chunk of the walk holds, each with the most splits a tree can have. */
  @Test
  void manyFullTreesOfEightLevelsAreWalkedAcrossChunks() {
    Random random = new Random(44);
    int slots = 5;
    List<Tree> trees = new ArrayList<>();
    for (int t = 0; t < 600; t++) {
      trees.add(randomTree(random, BitSlices.MAX_DEPTH, slots, true, true));
    }
    checkBlocks(random, trees, slots, "600 full trees");
  }

  /**
   * Thresholds crowded into a few floats' width among others spread over the range (so that one bucket of
   * a slot's search holds many), a slot with a single threshold, and values at, between and beyond them.
   */
  @Test
  void crowdedAndLoneThresholdsAreSearchedExactly() {
    Random random = new Random(45);
    float[] crowded = new float[300];
    for (int i = 0; i < crowded.length; i++) {
      crowded[i] = i < 200 ? 1f + i * Math.ulp(1f) : (float) Math.exp(random.nextGaussian() * 8);
    }
    List<Tree> trees = new ArrayList<>();
    for (int t = 0; t < 120; t++) {
      int[] left = {1, 3, 5, -1, -1, -1, -1};
      int[] right = {2, 4, 6, -1, -1, -1, -1};
      int[] slot = {0, 0, 1, 0, 0, 0, 0};
      float[] threshold = {crowded[random.nextInt(300)], crowded[random.nextInt(300)], 0.5f, 0, 0, 0, 0};
      trees.add(Tree.checked("crowded", left, right, slot, threshold, new double[] {0, 0, 0, 1, 2, 3, 4}));
    }
    Forest forest = Forest.of(trees, true);
    float[] leafValues = leafValues(random, forest);
    for (int rows : new int[] {8, 16, 33, 64}) {
      float[] values = new float[rows * 2];
      for (int i = 0; i < values.length; i++) {
        float c = crowded[random.nextInt(300)];
        values[i] = switch (random.nextInt(5)) {
          case 0 -> c;
          case 1 -> Math.nextUp(c);
          case 2 -> Math.nextDown(c);
          case 3 -> i % 2 == 1 ? 0.5f : VALUES[random.nextInt(VALUES.length)];
          default -> (float) Math.exp(random.nextGaussian() * 10);
        };
      }
      long[] keys = wide(forest, values, 2);
      int[] one = slicedAsOneRow(forest, keys, rows, "crowded");
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < trees.size(); t++) {
          assertThat(forest.leafNode(one[r * trees.size() + t])).as("row %d (%s), tree %d", r, values[2 * r], t)
              .isEqualTo(walk(trees.get(t), values, 2 * r));
        }
      }
      checkSums(forest, leafValues, keys, rows, 0f);
    }
  }

  /**
   * Chunks filled exactly to their bounds (256 trees; 1,024 splits) and one past them, chunks that start
   * with a tree without splits, and trees of 255 splits.
   */
  @Test
  void chunksAtTheirBoundsAndOnePast() {
    Random random = new Random(48);
    // pairs of (trees, real splits in each)
    int[][] plans = {{256, 4}, {257, 4}, {1024, 1}, {1025, 1}, {4, 255, 1, 4}, {4, 255, 1, 5},
        {1, 0, 4, 255, 1, 4}, {300, 0, 4, 255}};
    int slots = 3;
    for (int[] plan : plans) {
      List<Tree> trees = new ArrayList<>();
      for (int i = 0; i < plan.length; i += 2) {
        for (int t = 0; t < plan[i]; t++) {
          trees.add(treeWithSplits(random, plan[i + 1], slots));
        }
      }
      checkBlocks(random, trees, slots, "plan " + Arrays.toString(plan));
    }
  }

  /**
   * Blocks of 1, 17 and 64 random rows through a forest of {@code trees}: each row's sliced leaves are its
   * one-row descent's, and its sliced sum the one-row sum, bit for bit.
   */
  private static void checkBlocks(Random random, List<Tree> trees, int slots, String what) {
    Forest forest = Forest.of(trees, true);
    assertThat(forest.sliced()).isTrue();
    float[] leafValues = leafValues(random, forest);
    for (int rows : new int[] {1, 17, 64}) {
      long[] keys = wide(forest, randomValues(random, rows * slots), slots);
      slicedAsOneRow(forest, keys, rows, what);
      checkSums(forest, leafValues, keys, rows, 0.25f);
    }
  }

  /** A tree of exactly {@code splits} splits (at most 255), grown breadth first so it stays 8 levels deep. */
  private static Tree treeWithSplits(Random random, int splits, int slots) {
    return treeWithSplits(splits, i -> random.nextInt(slots), i -> random.nextFloat() * 6 - 3);
  }

  /**
   * A tree of exactly {@code splits} splits, grown breadth first (node {@code i}'s children are {@code 2i + 1}
   * and {@code 2i + 2}), split {@code i} reading {@code slot.applyAsInt(i)} at {@code threshold.applyAsDouble(i)}
   * (asked in that order, split after split); leaf {@code n} holds {@code n}.
   */
  static Tree treeWithSplits(int splits, IntUnaryOperator slot, IntToDoubleFunction threshold) {
    int n = 2 * splits + 1;
    int[] left = new int[n];
    int[] right = new int[n];
    int[] slotOf = new int[n];
    float[] thresholdOf = new float[n];
    double[] leaf = new double[n];
    Arrays.fill(left, -1);
    Arrays.fill(right, -1);
    for (int i = 0; i < splits; i++) {
      left[i] = 2 * i + 1;
      right[i] = 2 * i + 2;
      slotOf[i] = slot.applyAsInt(i);
      thresholdOf[i] = (float) threshold.applyAsDouble(i);
    }
    for (int i = 0; i < n; i++) {
      leaf[i] = i;
    }
    return Tree.checked("exact", left, right, slotOf, thresholdOf, leaf);
  }

  /**
   * The leaf numbers of a block of {@code rows} prepared rows walked all at once, checked against each row's
   * own descent; returns the one-row leaf numbers, row after row.
   */
  private static int[] slicedAsOneRow(Forest forest, long[] keys, int rows, String what) {
    int trees = forest.trees();
    int lanes = forest.lanes();
    int[] sliced = new int[rows * trees];
    forest.leaves(columns(forest, keys, rows), rows, sliced, new Scratch());
    int[] one = new int[rows * trees];
    for (int r = 0; r < rows; r++) {
      forest.leaves(keys, r * lanes, one, r * trees);
    }
    for (int i = 0; i < one.length; i++) {
      assertThat(sliced[i]).as("%s, %d rows, row %d, tree %d", what, rows, i / trees, i % trees).isEqualTo(one[i]);
    }
    return one;
  }

  /** {@link Forest#sum(int[], int, float[][], float[], Scratch)} against the one-row sum, bit for bit. */
  private static void checkSums(Forest forest, float[] leafValues, long[] keys, int rows, float base) {
    int lanes = forest.lanes();
    float[] sums = new float[(rows + 7) / 8 * 8];
    Arrays.fill(sums, base);
    forest.sum(columns(forest, keys, rows), rows, forest.byTree(leafValues), sums, new Scratch());
    for (int r = 0; r < rows; r++) {
      float one = forest.sum(Arrays.copyOfRange(keys, r * lanes, (r + 1) * lanes), leafValues, base);
      assertThat(Float.floatToRawIntBits(sums[r])).as("%d rows, row %d: %s and %s", rows, r, sums[r], one)
          .isEqualTo(Float.floatToRawIntBits(one));
    }
  }

  /**
   * Prepared rows ({@code rows} of them, {@link Forest#lanes()} wide keys a row) lane by lane, as {@link
   * Slots.Widener#columns} prepares a block.
   */
  private static int[] columns(Forest forest, long[] keys, int rows) {
    int lanes = forest.lanes();
    int[] columns = new int[(lanes - 1) * TreePredictor.BLOCK];
    for (int l = 0; l < lanes - 1; l++) {
      for (int r = 0; r < rows; r++) {
        columns[l * TreePredictor.BLOCK + r] = Forest.keyOf(keys[r * lanes + l]);
      }
    }
    return columns;
  }

  /** Leaf values of every magnitude and sign, -0 among them, so that the order of additions shows. */
  static float[] leafValues(Random random, Forest forest) {
    float[] values = new float[forest.leafCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (random.nextInt(4)) {
        case 0 -> -0f;
        case 1 -> (float) random.nextGaussian() * 1e6f;
        default -> (float) random.nextGaussian() * (float) Math.pow(10, -random.nextInt(8));
      };
    }
    return values;
  }

  static float[] randomValues(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = random.nextInt(3) == 0 ? random.nextFloat() * 6 - 3 : VALUES[random.nextInt(VALUES.length)];
    }
    return values;
  }

  /**
   * Rows of {@code slots} values each (slot {@code s} reading feature {@code s}, none missing) prepared for
   * {@code forest}: each row's lanes, {@link Forest#lanes()} a row.
   */
  static long[] wide(Forest forest, float[] values, int slots) {
    Slots reading = new Slots();
    for (int s = 0; s < slots; s++) {
      reading.slot(s, Missing.NAN_LEFT);
    }
    reading.freeze();
    int rows = values.length / slots;
    long[] keys = new long[rows * forest.lanes()];
    Slots.Widener widener = forest.widener(reading);
    for (int r = 0; r < rows; r++) {
      widener.prepare(Arrays.copyOfRange(values, r * slots, (r + 1) * slots), Float.NaN, keys, r * forest.lanes());
    }
    return keys;
  }

  /** The leaf a row reaches in a tree, walked node by node: right when the value is at least the threshold. */
  static int walk(Tree tree, float[] values, int offset) {
    int node = 0;
    while (!tree.isLeaf(node)) {
      boolean right = Forest.key(values[offset + tree.slot()[node]]) >= Forest.key(tree.threshold()[node]);
      node = right ? tree.right()[node] : tree.left()[node];
    }
    return node;
  }

  @Test
  void forestsDeeperThanEightLevelsAreWalkedRowByRow() {
    Random random = new Random(7);
    List<Tree> trees = List.of(randomTree(random, 9, 2, true), randomTree(random, 3, 2, false));
    assertThat(Forest.of(trees, true).sliced()).isFalse();
  }

  /** {@code count} random trees, the first exactly {@code depth} levels deep. */
  static List<Tree> randomTrees(Random random, int depth, int slots, int count) {
    List<Tree> trees = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      trees.add(randomTree(random, depth, slots, t == 0));
    }
    return trees;
  }

  /**
   * A tree of at most {@code depth} levels (exactly, when {@code full}) on {@code slots} slots, its
   * thresholds drawn from a few values so that splits share them.
   */
  static Tree randomTree(Random random, int depth, int slots, boolean full) {
    return randomTree(random, depth, slots, full, false);
  }

  /** As above; {@code every} grows every branch to the full depth. */
  static Tree randomTree(Random random, int depth, int slots, boolean full, boolean every) {
    List<int[]> children = new ArrayList<>();
    List<Integer> slot = new ArrayList<>();
    List<Float> threshold = new ArrayList<>();
    grow(random, depth, slots, full, every, children, slot, threshold);
    int n = children.size();
    int[] left = new int[n];
    int[] right = new int[n];
    int[] slotOf = new int[n];
    float[] thresholdOf = new float[n];
    double[] leaf = new double[n];
    for (int i = 0; i < n; i++) {
      left[i] = children.get(i)[0];
      right[i] = children.get(i)[1];
      slotOf[i] = slot.get(i);
      thresholdOf[i] = threshold.get(i);
      leaf[i] = i;
    }
    return Tree.checked("random", left, right, slotOf, thresholdOf, leaf);
  }

  private static int grow(Random random, int levels, int slots, boolean full, boolean every,
      List<int[]> children, List<Integer> slot, List<Float> threshold) {
    int node = children.size();
    children.add(new int[] {-1, -1});
    if (levels == 0 || (!full && !every && random.nextInt(4) == 0)) {
      slot.add(0);
      threshold.add(0f);
      return node;
    }
    slot.add(random.nextInt(slots));
    float[] shared = {-1f, 0f, 0.25f, 0.5f, 1f, Float.POSITIVE_INFINITY};
    threshold.add(random.nextBoolean() ? shared[random.nextInt(shared.length)] : random.nextFloat() * 6 - 3);
    boolean leftFull = full && random.nextBoolean();
    int left = grow(random, levels - 1, slots, leftFull, every, children, slot, threshold);
    int right = grow(random, levels - 1, slots, full && !leftFull, every, children, slot, threshold);
    children.get(node)[0] = left;
    children.get(node)[1] = right;
    return node;
  }
}
