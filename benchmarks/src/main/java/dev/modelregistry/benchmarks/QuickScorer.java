package dev.modelregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelregistry.spi.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * QuickScorer (Lucchese et al., SIGIR 2015), measured against the evaluator's perfect layout: a
 * binary:logistic XGBoost model of trees with at most 64 leaves, its splits grouped by feature and sorted
 * by threshold. A row starts every tree with all leaves possible (a 64-bit vector) and, feature by
 * feature, visits the splits whose test it fails ({@code x >= threshold}, so it goes right), each clearing
 * the leaves of its left subtree; the leftmost leaf still set is the exit leaf. No descent, no dependent
 * loads, but one visit for every split the row goes right at, in every tree. Missing values take each
 * split's default direction from a second list per feature. The margin is summed in float and the sigmoid
 * is {@code 1 / (1 + exp(-x))} in double, as in {@link FlatBaseline}. Thread-safe.
 */
final class QuickScorer implements Predictor {

  private static final ThreadLocal<long[]> LEAF_VECTORS = ThreadLocal.withInitial(() -> new long[0]);

  private final int trees;
  private final int width;
  /** Per feature, where its splits start in the arrays below (sorted by threshold within a feature). */
  private final int[] featureStart;
  private final float[] thresholds;
  private final int[] treeOf;
  private final long[] masks;
  /** Per feature, the splits that send a missing value right, as indexes into the arrays above. */
  private final int[][] missingRight;
  /** Leaf values, 64 per tree, in left-to-right order. */
  private final float[] leafValues;
  private final float base;

  private QuickScorer(int trees, int width, int[] featureStart, float[] thresholds, int[] treeOf, long[] masks,
      int[][] missingRight, float[] leafValues, float base) {
    this.trees = trees;
    this.width = width;
    this.featureStart = featureStart;
    this.thresholds = thresholds;
    this.treeOf = treeOf;
    this.masks = masks;
    this.missingRight = missingRight;
    this.leafValues = leafValues;
    this.base = base;
  }

  /** One split as read: its feature, threshold, tree, mask and default direction. */
  private record Split(int feature, float threshold, int tree, long mask, boolean defaultLeft) {}

  /** Reads a binary:logistic gbtree model saved as JSON, every tree with at most 64 leaves. */
  static QuickScorer of(byte[] json) {
    FlatBaseline.Json model = FlatBaseline.Json.read(json);
    int width = model.width();
    JsonNode trees = model.trees();
    List<Split> splits = new ArrayList<>();
    float[] leafValues = new float[trees.size() * 64];
    int t = 0;
    for (JsonNode tree : trees) {
      int[] counter = {0};
      number(tree, 0, t, counter, splits, leafValues);
      t++;
    }
    splits.sort((a, b) -> a.feature != b.feature ? Integer.compare(a.feature, b.feature)
        : Float.compare(a.threshold, b.threshold));
    int n = splits.size();
    int[] featureStart = new int[width + 1];
    float[] thresholds = new float[n];
    int[] treeOf = new int[n];
    long[] masks = new long[n];
    List<List<Integer>> missing = new ArrayList<>();
    for (int f = 0; f < width; f++) {
      missing.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      Split s = splits.get(i);
      featureStart[s.feature + 1] = i + 1;
      thresholds[i] = s.threshold;
      treeOf[i] = s.tree;
      masks[i] = s.mask;
      if (!s.defaultLeft) {
        missing.get(s.feature).add(i);
      }
    }
    for (int f = 1; f <= width; f++) {
      featureStart[f] = Math.max(featureStart[f], featureStart[f - 1]);
    }
    int[][] missingRight = new int[width][];
    for (int f = 0; f < width; f++) {
      missingRight[f] = missing.get(f).stream().mapToInt(Integer::intValue).toArray();
    }
    return new QuickScorer(trees.size(), width, featureStart, thresholds, treeOf, masks, missingRight, leafValues,
        model.baseMargin());
  }

  /**
   * Numbers the leaves under {@code node} left to right from {@code counter[0]}, records each split with
   * the mask that clears its left subtree's leaves, and returns the range of leaf numbers it covers.
   */
  private static int[] number(JsonNode tree, int node, int t, int[] counter, List<Split> splits,
      float[] leafValues) {
    int left = tree.get("left_children").get(node).asInt();
    if (left < 0) {
      int leaf = counter[0]++;
      if (leaf >= 64) {
        throw new IllegalArgumentException("tree " + t + " has more than 64 leaves");
      }
      leafValues[t * 64 + leaf] = (float) tree.get("split_conditions").get(node).asDouble();
      return new int[] {leaf, leaf + 1};
    }
    int right = tree.get("right_children").get(node).asInt();
    int[] l = number(tree, left, t, counter, splits, leafValues);
    int[] r = number(tree, right, t, counter, splits, leafValues);
    long leftLeaves = (l[1] - l[0] == 64 ? -1L : ((1L << (l[1] - l[0])) - 1)) << l[0];
    splits.add(new Split(tree.get("split_indices").get(node).asInt(),
        (float) tree.get("split_conditions").get(node).asDouble(), t, ~leftLeaves,
        tree.get("default_left").get(node).asInt() != 0));
    return new int[] {l[0], r[1]};
  }

  @Override
  public float[] predict(float[] features) {
    long[] vectors = LEAF_VECTORS.get();
    if (vectors.length < trees) {
      vectors = new long[trees];
      LEAF_VECTORS.set(vectors);
    }
    Arrays.fill(vectors, 0, trees, -1L);
    float[] thresholds = this.thresholds;
    int[] treeOf = this.treeOf;
    long[] masks = this.masks;
    for (int f = 0; f < width; f++) {
      float x = features[f];
      if (x != x) {
        for (int i : missingRight[f]) {
          vectors[treeOf[i]] &= masks[i];
        }
        continue;
      }
      int end = featureStart[f + 1];
      for (int i = featureStart[f]; i < end && thresholds[i] <= x; i++) {
        vectors[treeOf[i]] &= masks[i];
      }
    }
    float sum = base;
    float[] leafValues = this.leafValues;
    for (int t = 0; t < trees; t++) {
      sum += leafValues[t * 64 + Long.numberOfTrailingZeros(vectors[t])];
    }
    return new float[] {(float) (1 / (1 + Math.exp(-sum)))};
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }
}
