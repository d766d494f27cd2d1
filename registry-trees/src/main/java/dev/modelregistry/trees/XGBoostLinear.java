package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An XGBoost {@code gblinear} model, evaluated as XGBoost's {@code GBLinear::Pred} does. Immutable and
 * thread-safe; a call allocates only its output.
 *
 * <p>In float, per output group: {@code bias + base_score} (the margin), then {@code x * weight} added for
 * each feature present, in feature order (a missing value is skipped, as XGBoost's sparse row has no entry
 * for it); then the objective's {@link XGBoostLink}.
 */
final class XGBoostLinear implements Predictor {

  private final int width;
  private final int groups;
  private final float[] weights;
  private final float base;
  private final float missing;
  private final XGBoostLink link;
  private final String description;

  /**
   * @param weights XGBoost's layout: {@code weights[feature * groups + group]}, the biases last
   */
  XGBoostLinear(int width, int groups, float[] weights, float base, float missing, XGBoostLink link,
      String description) {
    this.width = width;
    this.groups = groups;
    this.weights = weights;
    this.base = base;
    this.missing = missing;
    this.link = link;
    this.description = description;
  }

  @Override
  public float[] predict(float[] features) {
    if (features.length < width) {
      throw new IllegalArgumentException("the model reads " + width + " features but the row has " + features.length);
    }
    boolean custom = missing == missing;
    float[] margins = new float[groups];
    for (int g = 0; g < groups; g++) {
      float sum = weights[width * groups + g] + base;
      for (int f = 0; f < width; f++) {
        float x = features[f];
        if (x != x || (custom && x == missing)) {
          continue;
        }
        sum += x * weights[f * groups + g];
      }
      margins[g] = sum;
    }
    return link.finish(margins);
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public OptionalLong memoryBytes() {
    return OptionalLong.of(64L + 4L * weights.length);
  }

  @Override
  public String toString() {
    return description;
  }
}
