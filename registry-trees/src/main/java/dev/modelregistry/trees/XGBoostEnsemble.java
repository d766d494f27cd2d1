package dev.modelregistry.trees;

/**
 * An XGBoost {@code gbtree} or {@code dart} model, evaluated as XGBoost's CPU predictor does. Immutable and
 * thread-safe.
 *
 * <p>The arithmetic is XGBoost's, step for step, in float: each output group starts at {@code base_score}
 * (already turned into a margin, as XGBoost does at load), and each tree's leaf is added in tree order
 * ({@code dart} adds {@code leaf * weight_drop}, the product rounded to float first); then the objective's
 * {@link XGBoostLink}.
 */
final class XGBoostEnsemble extends TreePredictor {

  private final float[] leaves;
  private final float[] base;
  private final XGBoostLink link;

  XGBoostEnsemble(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      float[] leaves, float[] base, XGBoostLink link, String description) {
    super(forest, slots, width, missing, groups, treeGroup, description, groups == 1);
    this.leaves = leaves;
    this.base = base;
    this.link = link;
  }

  /** One output group in the perfect layout: the leaves are summed as the trees are walked. */
  @Override
  float[] predictWide(long[] keys) {
    return new float[] {link.apply(forest.sum(keys, leaves, base[0]))};
  }

  /**
   * One output group: four rows summed at once, each in tree order, so that their four chains of
   * dependent float additions overlap.
   */
  @Override
  void predictBlock(int[] leafOf, int count, float[][] out, int outAt) {
    if (groups != 1) {
      super.predictBlock(leafOf, count, out, outAt);
      return;
    }
    float[] leaves = this.leaves;
    int trees = forest.trees();
    int r = 0;
    for (; r + 4 <= count; r += 4) {
      int a0 = r * trees;
      int a1 = a0 + trees;
      int a2 = a1 + trees;
      int a3 = a2 + trees;
      float s0 = base[0];
      float s1 = s0;
      float s2 = s0;
      float s3 = s0;
      for (int t = 0; t < trees; t++) {
        s0 += leaves[leafOf[a0 + t]];
        s1 += leaves[leafOf[a1 + t]];
        s2 += leaves[leafOf[a2 + t]];
        s3 += leaves[leafOf[a3 + t]];
      }
      out[outAt + r] = new float[] {link.apply(s0)};
      out[outAt + r + 1] = new float[] {link.apply(s1)};
      out[outAt + r + 2] = new float[] {link.apply(s2)};
      out[outAt + r + 3] = new float[] {link.apply(s3)};
    }
    for (; r < count; r++) {
      out[outAt + r] = predictOne(leafOf, r * trees);
    }
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
      return new float[] {link.apply(sum)};
    }
    float[] margins = new float[groups];
    System.arraycopy(base, 0, margins, 0, groups);
    int[] treeGroup = this.treeGroup;
    for (int t = 0; t < trees; t++) {
      margins[treeGroup[t]] += leaves[leafOf[at + t]];
    }
    return link.finish(margins);
  }

  @Override
  long leafBytes() {
    return 4L * leaves.length + 4L * base.length;
  }
}
