package dev.modelregistry.trees;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

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
  /** One output group, a sliced forest: the leaves tree by tree, as the bit-sliced walk sums them. */
  private final float @Nullable [][] treeLeaves;
  private final float[] base;
  private final XGBoostLink link;

  XGBoostEnsemble(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      float[] leaves, float[] base, XGBoostLink link, String description) {
    super(forest, slots, width, missing, groups, treeGroup, description, groups == 1);
    this.leaves = leaves;
    this.treeLeaves = forest.sliced() && groups == 1 ? forest.byTree(leaves) : null;
    this.base = base;
    this.link = link;
  }

  /** One output group in the perfect layout: the leaves are summed as the trees are walked. */
  @Override
  float[] predictWide(long[] keys, Scratch scratch) {
    return new float[] {link.apply(forest.sum(keys, leaves, base[0], scratch))};
  }

  /** One output group, a block of rows walked all at once: their sums come out of the walk. */
  @Override
  void predictSliced(int[] columns, int count, float[][] out, int outAt, Scratch scratch) {
    float[] sums = scratch.sums();
    Arrays.fill(sums, base[0]);
    float[][] treeLeaves = this.treeLeaves;
    if (treeLeaves == null) {
      throw new IllegalStateException("the forest is not sliced: " + description);
    }
    forest.sum(columns, count, treeLeaves, sums, scratch);
    for (int r = 0; r < count; r++) {
      out[outAt + r] = new float[] {link.apply(sums[r])};
    }
  }

  @Override
  float[] predictOne(int[] leafOf, int at, Scratch scratch) {
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
    return 4L * leaves.length + 4L * base.length
        + (treeLeaves == null ? 0 : 16L + 20L * treeLeaves.length + 4L * leaves.length);
  }
}
