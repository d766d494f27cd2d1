package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What actually happened after a prediction, reported with {@link ModelRegistry#recordOutcome(Outcome)} when
 * it is known (a game's result, a click), often long after and in another request. Immutable.
 *
 * <pre>{@code
 * // when predicting: keep what the lease says beside the prediction
 * try (Lease lease = registry.current("t20_win_predictor").lease()) {
 *   float[] p = lease.predict(row);
 *   store(predictionId, lease.version(), lease.arm(), p);
 * }
 * // when the result is known
 * registry.recordOutcome(Outcome.of("t20_win_predictor", version, arm, p, homeWon ? 1 : 0).withId(predictionId));
 * }</pre>
 *
 * @param model the model
 * @param version the version that made the prediction
 * @param arm the arm that served it
 * @param predicted the model's outputs (a probability for a binary classifier, one per class, or a value)
 * @param actual the true label (0 or 1, or the class index) or value
 * @param predictionId the host's id of the prediction, if it has one (for logs)
 * @param unitId the unit (user, device) it was for, if known (for logs)
 */
public record Outcome(
    String model,
    String version,
    Arm arm,
    float[] predicted,
    double actual,
    @Nullable String predictionId,
    @Nullable String unitId) {

  /** Checks and copies. */
  public Outcome {
    Names.requireModelName(model);
    VersionId.of(version);
    requireNonNull(arm, "arm");
    predicted = requireNonNull(predicted, "predicted").clone();
    if (predicted.length == 0) {
      throw new IllegalArgumentException("an outcome needs the predicted outputs");
    }
    if (!Double.isFinite(actual)) {
      throw new IllegalArgumentException("the actual value must be finite but was " + actual);
    }
  }

  /** An outcome of a prediction by {@code version} on {@code arm}. */
  public static Outcome of(String model, String version, Arm arm, float[] predicted, double actual) {
    return new Outcome(model, version, arm, predicted, actual, null, null);
  }

  /** An outcome of a prediction by the stable arm of {@code version}. */
  public static Outcome of(String model, String version, float[] predicted, double actual) {
    return of(model, version, Arm.STABLE, predicted, actual);
  }

  /** An outcome of a prediction made through {@code lease} (which must still be open). */
  public static Outcome of(Lease lease, float[] predicted, double actual) {
    return of(lease.name(), lease.version(), lease.arm(), predicted, actual);
  }

  /** The same outcome with the host's prediction id. */
  public Outcome withId(@Nullable String id) {
    return new Outcome(model, version, arm, predicted, actual, id, unitId);
  }

  /** The same outcome with the unit it was for. */
  public Outcome withUnit(@Nullable String unit) {
    return new Outcome(model, version, arm, predicted, actual, predictionId, unit);
  }

  /** The predicted outputs (a copy). */
  @Override
  public float[] predicted() {
    return predicted.clone();
  }

  float predicted(int i) {
    return predicted[i];
  }

  int outputs() {
    return predicted.length;
  }
}
