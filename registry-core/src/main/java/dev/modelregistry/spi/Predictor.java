package dev.modelregistry.spi;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One loaded version of a model, as a loader produced it: a function from feature rows to outputs.
 *
 * <p>Implementations must be safe to call from many threads at once. The registry guarantees that {@link
 * #close()} is called exactly once, and only after every call to {@code predict} has returned, so an
 * implementation may free native memory in {@code close} without further checks.
 */
public interface Predictor extends AutoCloseable {

  /**
   * Predicts one row.
   *
   * @param features the feature values, in the order of the model's schema
   * @return the outputs: one value for a regression or a binary probability, one per class otherwise
   */
  float[] predict(float[] features);

  /**
   * Predicts several rows. The default calls {@link #predict(float[])} per row; native loaders override it
   * with one batched call.
   */
  default float[][] predict(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = predict(rows[i]);
    }
    return out;
  }

  /** The number of features the model expects, when the model file records it. */
  default OptionalInt inputWidth() {
    return OptionalInt.empty();
  }

  /**
   * The framework object behind this predictor (an XGBoost {@code Booster}, an ONNX Runtime {@code
   * OrtSession}), if it is of {@code type}. The registry only hands it out inside a {@link
   * dev.modelregistry.Lease}.
   */
  default <T> Optional<T> unwrap(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * An estimate of the heap and native memory the loaded model holds, for memory-bounded registries; empty
   * when unknown.
   */
  default java.util.OptionalLong memoryBytes() {
    return OptionalLong.empty();
  }

  /** Frees what the model holds. Called once, after the last prediction has returned. */
  @Override
  default void close() {}
}
