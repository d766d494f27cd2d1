package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Single rows found through {@link LeafMasks} reach the leaves the descent reaches, and a node-by-node walk
 * of each tree, and sum them bit for bit as the descent does: random forests of every depth the masks
 * take, unbalanced trees (pass-through splits), thresholds shared by many splits and spread over the whole
 * float range (a slot read through two lanes), values equal to thresholds and ±∞. The masks are chosen only
 * where they fit, and counted in the forest's memory.
 */
class LeafMasksTest {

  @Test
  void everyRowReachesTheLeavesItsDescentReaches() {
    Random random = new Random(44);
    for (int depth = 1; depth <= LeafMasks.MAX_DEPTH; depth++) {
      for (int round = 0; round < 6; round++) {
        int slots = 1 + random.nextInt(6);
        int count = 1 + random.nextInt(40);
        List<Tree> trees = BitSlicesTest.randomTrees(random, depth, slots, count);
        check(random, trees, slots, "depth " + depth + " round " + round);
      }
    }
  }

  /**
   * Thresholds from the whole float range, so that a slot's span needs two lanes (its negative thresholds
   * and its others), rows at and around each threshold.
   */
  @Test
  void slotsReadThroughTwoLanesAndValuesAtTheThresholds() {
    Random random = new Random(45);
    for (int round = 0; round < 20; round++) {
      int slots = 1 + random.nextInt(3);
      List<Tree> trees = new ArrayList<>();
      for (int t = 0, count = 1 + random.nextInt(30); t < count; t++) {
        trees.add(wideTree(random, 2 + random.nextInt(LeafMasks.MAX_DEPTH - 1), slots));
      }
      Forest forest = Forest.of(trees, TreeEnsembles.Layout.MASKS);
      // one lane per slot read, one more for slot 0's two, and the pass-through splits' lane
      assertThat(forest.lanes()).as("two lanes for slot 0").isGreaterThanOrEqualTo(slotsRead(trees) + 2);
      check(random, trees, slots, "round " + round);
    }
  }

  private static void check(Random random, List<Tree> trees, int slots, String what) {
    Forest masked = Forest.of(trees, TreeEnsembles.Layout.MASKS);
    Forest descent = Forest.of(trees, TreeEnsembles.Layout.PERFECT);
    assertThat(masked.masked()).isTrue();
    assertThat(descent.masked()).isFalse();
    float[] leafValues = BitSlicesTest.leafValues(random, masked);
    float[] thresholds = thresholds(trees);
    Scratch scratch = new Scratch();
    int lanes = masked.lanes();
    int count = trees.size();
    for (int r = 0; r < 200; r++) {
      float[] values = BitSlicesTest.randomValues(random, slots);
      for (int s = 0; s < slots && r % 2 == 0; s++) {
        // at, just below or just above a threshold
        float at = thresholds[random.nextInt(thresholds.length)];
        values[s] = switch (random.nextInt(3)) {
          case 0 -> at;
          case 1 -> Math.nextDown(at);
          default -> Math.nextUp(at);
        };
      }
      long[] row = BitSlicesTest.wide(masked, values, slots);
      int[] byMasks = new int[count];
      int[] byDescent = new int[count];
      masked.leaves(row, byMasks, 0, scratch);
      descent.leaves(row, 0, byDescent, 0);
      assertThat(byMasks).as("%s, row %s", what, Arrays.toString(values)).isEqualTo(byDescent);
      for (int t = 0; t < count; t++) {
        assertThat(masked.leafTree(byMasks[t])).isEqualTo(t);
        assertThat(masked.leafNode(byMasks[t])).as("%s, tree %d", what, t)
            .isEqualTo(BitSlicesTest.walk(trees.get(t), values, 0));
      }
      float base = random.nextFloat() - 0.5f;
      float sum = masked.sum(row, leafValues, base, scratch);
      assertThat(Float.floatToRawIntBits(sum)).as("%s: %s and %s", what, sum, descent.sum(row, leafValues, base))
          .isEqualTo(Float.floatToRawIntBits(descent.sum(row, leafValues, base)));
      assertThat(row.length).isEqualTo(lanes);
    }
  }

  /** How many slots the trees' splits read. */
  private static int slotsRead(List<Tree> trees) {
    return (int) trees.stream().flatMapToInt(t -> java.util.stream.IntStream.range(0, t.size())
        .filter(n -> !t.isLeaf(n)).map(n -> t.slot()[n])).distinct().count();
  }

  /** Every reachable split's threshold. */
  private static float[] thresholds(List<Tree> trees) {
    List<Float> all = new ArrayList<>();
    for (Tree tree : trees) {
      for (int n = 0; n < tree.size(); n++) {
        if (!tree.isLeaf(n)) {
          all.add(tree.threshold()[n]);
        }
      }
    }
    float[] out = new float[Math.max(all.size(), 1)];
    for (int i = 0; i < all.size(); i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  /**
   * A full tree of {@code depth} (at least 2) levels whose thresholds span the float range (±MAX_VALUE, ±1e30, +∞), the
   * root and its left child splitting slot 0 at both ends of it.
   */
  private static Tree wideTree(Random random, int depth, int slots) {
    float[] far = {-Float.MAX_VALUE, -1e30f, -1f, 0f, 1f, 1e30f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
    return BitSlicesTest.treeWithSplits((1 << depth) - 1, i -> i <= 1 ? 0 : random.nextInt(slots),
        i -> i == 0 ? -Float.MAX_VALUE : i == 1 ? Float.MAX_VALUE : random.nextBoolean()
            ? far[random.nextInt(far.length)] : random.nextGaussian() * Math.pow(10, random.nextInt(38)));
  }

  @Test
  void masksAreChosenWhereTheyFitAndCounted() {
    Random random = new Random(46);
    List<Tree> small = BitSlicesTest.randomTrees(random, 6, 4, 20);
    Forest auto = Forest.of(small);
    Forest perfect = Forest.of(small, TreeEnsembles.Layout.PERFECT);
    assertThat(auto.masked()).isTrue();
    assertThat(auto.layout()).isEqualTo("perfect layout, leaf masks");
    // one long per tree for every distinct threshold at least
    assertThat(auto.memoryBytes() - perfect.memoryBytes()).isGreaterThanOrEqualTo(8L * 20 * distinct(small));

    // 400 trees, each with its own 63 thresholds: 25,200 × 400 × 8 bytes, far above the budget
    List<Tree> large = new ArrayList<>();
    for (int t = 0; t < 400; t++) {
      large.add(BitSlicesTest.randomTree(random, 6, 4, true, true));
    }
    assertThat(Forest.of(large).masked()).as("too large for the budget").isFalse();
    assertThat(Forest.of(large).isPerfect()).isTrue();
    assertThat(Forest.of(large, TreeEnsembles.Layout.MASKS).masked()).as("when chosen").isTrue();

    List<Tree> deep = BitSlicesTest.randomTrees(random, 7, 4, 3);
    assertThat(Forest.of(deep).masked()).isFalse();
    assertThatThrownBy(() -> Forest.of(deep, TreeEnsembles.Layout.MASKS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 6 levels");
  }

  private static long distinct(List<Tree> trees) {
    return trees.stream().flatMap(t -> {
      List<Long> keys = new ArrayList<>();
      for (int n = 0; n < t.size(); n++) {
        if (!t.isLeaf(n)) {
          keys.add((long) t.slot()[n] << 32 | (Forest.key(t.threshold()[n]) & 0xffffffffL));
        }
      }
      return keys.stream();
    }).distinct().count();
  }

  @Test
  void aForestOfLeavesOnlyDescends() {
    double[] leaf = {0.5};
    Tree stump = Tree.checked("stump", new int[] {-1}, new int[] {-1}, new int[] {0}, new float[] {0f}, leaf);
    assertThat(Forest.of(List.of(stump, stump)).masked()).isFalse();
    Forest forced = Forest.of(List.of(stump, stump), TreeEnsembles.Layout.MASKS);
    assertThat(forced.masked()).as("no split: nothing to mask").isFalse();
    assertThat(forced.sum(new long[forced.lanes()], new float[] {0.5f, 0.25f}, 1f, new Scratch())).isEqualTo(1.75f);
  }
}
