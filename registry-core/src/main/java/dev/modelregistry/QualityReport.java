package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * How one model does in production, as of the last evaluation ({@link ModelRegistry#quality(String)}).
 * Immutable.
 *
 * @param model the model
 * @param arms one entry per version and arm that has outcomes
 * @param inputs input drift per version and feature, for versions whose manifest has a reference
 * @param dropped outcomes and input samples dropped because the registry's queue was full
 */
public record QualityReport(String model, List<ArmQuality> arms, List<FeatureDrift> inputs, long dropped) {

  /** Copies. */
  public QualityReport {
    requireNonNull(model, "model");
    arms = List.copyOf(arms);
    inputs = List.copyOf(inputs);
  }

  /** Whether any arm is degraded or any feature has drifted past the alarm. */
  public boolean degraded() {
    return arms.stream().anyMatch(a -> a.state() == State.DEGRADED)
        || inputs.stream().anyMatch(f -> f.level() == DriftLevel.ALARM);
  }

  /** The state of an arm's performance. */
  public enum State {
    /** Fewer outcomes than the policy needs to judge. */
    INSUFFICIENT,
    /** No metric breaches its threshold. */
    OK,
    /** At least one metric breaches its threshold. */
    DEGRADED
  }

  /** How far a feature's served values have moved from the training reference. */
  public enum DriftLevel {
    /** PSI under the warning threshold. */
    OK,
    /** PSI at or over the warning threshold. */
    WARN,
    /** PSI at or over the alarm threshold. */
    ALARM
  }

  /**
   * The performance of one version on one arm.
   *
   * @param version the version
   * @param arm the arm
   * @param outcomes outcomes in the window
   * @param observed the metrics over the window
   * @param baseline the metrics of the version's {@code metrics.json}
   * @param state the verdict
   * @param breaches one line per breaching metric: {@code accuracy 0.66 < 0.72 - 0.05 over the last 50 outcomes}
   */
  public record ArmQuality(String version, Arm arm, int outcomes, Map<String, Double> observed,
      Map<String, Double> baseline, State state, List<String> breaches) {

    /** Copies. */
    public ArmQuality {
      observed = Map.copyOf(observed);
      baseline = Map.copyOf(baseline);
      breaches = List.copyOf(breaches);
    }
  }

  /**
   * The drift of one feature's served values from its training reference, over the last full drift window.
   *
   * @param version the version whose reference it is compared with
   * @param feature the feature
   * @param samples input samples in the window
   * @param psi the population stability index
   * @param jsDistance the Jensen-Shannon distance (base 2, in [0, 1])
   * @param level the verdict
   */
  public record FeatureDrift(String version, String feature, long samples, double psi, double jsDistance,
      DriftLevel level) {}
}
