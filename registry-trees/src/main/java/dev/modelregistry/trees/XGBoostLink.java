package dev.modelregistry.trees;

/**
 * An XGBoost objective's output transform ({@code PredTransform}), in XGBoost's float arithmetic: {@code
 * Sigmoid} ({@code 1 / (expf(min(-x, 88.7)) + 1 + 1e-16)}), {@code expf}, softmax with the sum of the
 * exponentials in double, the index of the largest margin, or the margin itself. Immutable and thread-safe.
 */
enum XGBoostLink {
  IDENTITY,
  SIGMOID,
  EXP,
  HINGE,
  SOFTMAX,
  ARGMAX;

  /** The output for one margin (softmax and argmax, which need all of a row's margins, leave it). */
  float apply(float x) {
    return switch (this) {
      case IDENTITY, SOFTMAX, ARGMAX -> x;
      case SIGMOID -> sigmoid(x);
      case EXP -> Libm.expf(x);
      case HINGE -> x > 0f ? 1f : 0f;
    };
  }

  /** The outputs for one row's margins, which it may overwrite and return. */
  float[] finish(float[] margins) {
    if (this == SOFTMAX) {
      softmax(margins);
      return margins;
    }
    if (this == ARGMAX) {
      int best = 0;
      for (int g = 1; g < margins.length; g++) {
        if (margins[g] > margins[best]) {
          best = g;
        }
      }
      return new float[] {best};
    }
    for (int g = 0; g < margins.length; g++) {
      margins[g] = apply(margins[g]);
    }
    return margins;
  }

  /** XGBoost's {@code common::Sigmoid(float)}. */
  static float sigmoid(float x) {
    float clipped = Math.min(-x, 88.7f);
    float denominator = Libm.expf(clipped) + 1.0f + 1e-16f;
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
      v[i] = Libm.expf(v[i] - max);
      sum += v[i];
    }
    float total = (float) sum;
    for (int i = 0; i < v.length; i++) {
      v[i] /= total;
    }
  }
}
