package dev.modelregistry.trees;

/**
 * An XGBoost {@code gbtree} or {@code dart} model, evaluated as XGBoost's CPU predictor does. Immutable and
 * thread-safe.
 *
 * <p>The arithmetic is XGBoost's, step for step, in float: each output group starts at {@code base_score}
 * (already turned into a margin, as XGBoost does at load), and each tree's leaf is added in tree order
 * ({@code dart} adds {@code leaf * weight_drop}, the product rounded to float first). The output transform
 * is the objective's {@code PredTransform}: {@code Sigmoid} ({@code 1 / (expf(min(-x, 88.7)) + 1)}),
 * {@code expf}, softmax with the sum in double, or the index of the largest margin.
 */
final class XGBoostEnsemble extends TreePredictor {

  /** The objective's output transform. */
  enum Link {
    IDENTITY,
    SIGMOID,
    EXP,
    HINGE,
    SOFTMAX,
    ARGMAX
  }

  private final float[] leaves;
  private final float[] base;
  private final Link link;

  XGBoostEnsemble(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      float[] leaves, float[] base, Link link, String description) {
    super(forest, slots, width, missing, groups, treeGroup, description);
    this.leaves = leaves;
    this.base = base;
    this.link = link;
  }

  @Override
  float[] predictOne(int[] leafOf, int at) {
    Forest forest = this.forest;
    float[] leaves = this.leaves;
    int trees = forest.trees();
    if (groups == 1) {
      float sum = base[0];
      for (int t = 0; t < trees; t++) {
        sum += leaves[leafOf[at + t]];
      }
      return new float[] {transform(sum)};
    }
    float[] margins = new float[groups];
    System.arraycopy(base, 0, margins, 0, groups);
    int[] treeGroup = this.treeGroup;
    for (int t = 0; t < trees; t++) {
      margins[treeGroup[t]] += leaves[leafOf[at + t]];
    }
    return finish(margins, 0);
  }

  private float transform(float x) {
    return switch (link) {
      case IDENTITY, SOFTMAX, ARGMAX -> x;
      case SIGMOID -> sigmoid(x);
      case EXP -> expf(x);
      case HINGE -> x > 0f ? 1f : 0f;
    };
  }

  /** The outputs for one row's margins (which become the output for softmax). */
  private float[] finish(float[] margins, int at) {
    if (link == Link.SOFTMAX) {
      softmax(margins);
      return margins;
    }
    if (link == Link.ARGMAX) {
      int best = 0;
      for (int g = 1; g < margins.length; g++) {
        if (margins[g] > margins[best]) {
          best = g;
        }
      }
      return new float[] {best};
    }
    for (int g = 0; g < margins.length; g++) {
      margins[g] = transform(margins[g]);
    }
    return margins;
  }

  /** XGBoost's {@code common::Sigmoid(float)}. */
  static float sigmoid(float x) {
    float clipped = Math.min(-x, 88.7f);
    float denominator = expf(clipped) + 1.0f + 1e-16f;
    return 1.0f / denominator;
  }

  /** XGBoost's {@code common::Softmax}: max in float, exponentials in float, their sum in double. */
  static void softmax(float[] v) {
    float max = v[0];
    for (int i = 1; i < v.length; i++) {
      max = Math.max(v[i], max);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = expf(v[i] - max);
      sum += v[i];
    }
    float total = (float) sum;
    for (int i = 0; i < v.length; i++) {
      v[i] /= total;
    }
  }

  static float expf(float x) {
    return Libm.expf(x);
  }

  @Override
  long leafBytes() {
    return 4L * leaves.length + 4L * base.length;
  }
}
