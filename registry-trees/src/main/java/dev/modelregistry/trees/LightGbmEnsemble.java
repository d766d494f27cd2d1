package dev.modelregistry.trees;

import java.util.Arrays;

/**
 * A LightGBM model, evaluated as LightGBM's {@code GBDT::Predict} does. Immutable and thread-safe.
 *
 * <p>The arithmetic is LightGBM's, in double: each class's score starts at 0 and adds its trees' leaf values
 * in iteration order (divided by the number of iterations for {@code average_output} models); then the
 * objective's {@code ConvertOutput}: {@code 1 / (1 + exp(-sigmoid * x))}, {@code exp(x)}, or softmax. Each
 * output is the double result rounded to float. Splits compare the double threshold with the float feature;
 * the threshold is stored as the float {@code t'} for which {@code x > threshold} exactly when {@code x >=
 * t'}, so the comparison is exact.
 */
final class LightGbmEnsemble extends TreePredictor {

  /** The objective's output transform. */
  enum Link {
    IDENTITY,
    SIGMOID,
    EXP,
    SOFTMAX,
    SIGMOID_PER_CLASS
  }

  private final double[] leaves;
  private final Link link;
  private final double sigmoid;
  private final int iterations;
  private final boolean average;

  LightGbmEnsemble(Forest forest, Slots slots, int width, int groups, int[] treeGroup, double[] leaves,
      Link link, double sigmoid, boolean average, String description) {
    super(forest, slots, width, Float.NaN, groups, treeGroup, description);
    this.leaves = leaves;
    this.link = link;
    this.sigmoid = sigmoid;
    this.iterations = Math.max(1, forest.trees() / groups);
    this.average = average;
  }

  @Override
  float[] predictOne(int[] leafOf, int at, Scratch scratch) {
    Forest forest = this.forest;
    double[] leaves = this.leaves;
    int trees = forest.trees();
    if (groups == 1) {
      double sum = 0;
      for (int t = 0; t < trees; t++) {
        sum += leaves[leafOf[at + t]];
      }
      return new float[] {(float) transform(average ? sum / iterations : sum)};
    }
    double[] margins = scratch.margins(groups);
    Arrays.fill(margins, 0, groups, 0.0);
    int[] treeGroup = this.treeGroup;
    for (int t = 0; t < trees; t++) {
      margins[treeGroup[t]] += leaves[leafOf[at + t]];
    }
    return finish(margins, 0);
  }

  private float[] finish(double[] margins, int at) {
    float[] out = new float[groups];
    if (average) {
      for (int g = 0; g < groups; g++) {
        margins[at + g] /= iterations;
      }
    }
    if (link == Link.SOFTMAX) {
      double max = margins[at];
      for (int g = 1; g < groups; g++) {
        max = Math.max(margins[at + g], max);
      }
      double sum = 0;
      for (int g = 0; g < groups; g++) {
        margins[at + g] = Math.exp(margins[at + g] - max);
        sum += margins[at + g];
      }
      for (int g = 0; g < groups; g++) {
        out[g] = (float) (margins[at + g] / sum);
      }
      return out;
    }
    for (int g = 0; g < groups; g++) {
      out[g] = (float) transform(margins[at + g]);
    }
    return out;
  }

  private double transform(double x) {
    return switch (link) {
      case IDENTITY, SOFTMAX -> x;
      case SIGMOID, SIGMOID_PER_CLASS -> 1.0 / (1.0 + Math.exp(-sigmoid * x));
      case EXP -> Math.exp(x);
    };
  }

  @Override
  long leafBytes() {
    return 8L * leaves.length;
  }
}
