package dev.modelregistry.linear;

import dev.modelregistry.spi.Predictor;
import java.util.OptionalInt;

/**
 * A linear model: {@code link(W x + b)}. Immutable and thread-safe; sums in double precision.
 */
public final class LinearPredictor implements Predictor {

  /** How the linear scores become outputs. */
  public enum Link {
    /** The scores themselves. */
    IDENTITY,
    /** {@code 1 / (1 + e^-z)} per output. */
    LOGISTIC,
    /** {@code e^z_i / sum e^z_j} across the outputs. */
    SOFTMAX
  }

  private final float[][] weights;
  private final float[] bias;
  private final Link link;

  LinearPredictor(float[][] weights, float[] bias, Link link) {
    this.weights = weights;
    this.bias = bias;
    this.link = link;
  }

  @Override
  public float[] predict(float[] features) {
    if (features.length != weights[0].length) {
      throw new IllegalArgumentException(
          "linear model expects " + weights[0].length + " features but got " + features.length);
    }
    int outputs = weights.length;
    double[] z = new double[outputs];
    for (int o = 0; o < outputs; o++) {
      float[] w = weights[o];
      double sum = bias[o];
      for (int i = 0; i < w.length; i++) {
        sum += (double) w[i] * features[i];
      }
      z[o] = sum;
    }
    float[] out = new float[outputs];
    switch (link) {
      case IDENTITY -> {
        for (int o = 0; o < outputs; o++) {
          out[o] = (float) z[o];
        }
      }
      case LOGISTIC -> {
        for (int o = 0; o < outputs; o++) {
          out[o] = (float) (1.0 / (1.0 + Math.exp(-z[o])));
        }
      }
      case SOFTMAX -> {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
          max = Math.max(max, v);
        }
        double total = 0;
        for (int o = 0; o < outputs; o++) {
          z[o] = Math.exp(z[o] - max);
          total += z[o];
        }
        for (int o = 0; o < outputs; o++) {
          out[o] = (float) (z[o] / total);
        }
      }
    }
    return out;
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(weights[0].length);
  }

  /** The number of outputs. */
  public int outputs() {
    return weights.length;
  }

  /** The link. */
  public Link link() {
    return link;
  }
}
