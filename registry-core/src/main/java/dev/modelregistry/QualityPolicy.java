package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a registry watches one model's quality in production, declared with {@link
 * ModelRegistry.Builder#quality(String, QualityPolicy)}. Immutable.
 *
 * <p><b>Performance.</b> For each version and arm (stable, canary) the registry keeps the last {@link
 * #window()} outcomes reported with {@link ModelRegistry#recordOutcome} (optionally only those younger than
 * {@link #maxAge()}), computes the metrics that fit the model (accuracy, log loss, Brier score, ROC-AUC for
 * classifiers; MAE and RMSE for regressors), and compares each with the baseline in the version's {@code
 * metrics.json}. A metric breaches when it is worse than its baseline by more than its threshold (absolute,
 * or relative to the baseline) <em>and</em> by more than {@link #significance()} standard errors of the
 * window, so that the noise of a small window does not raise alarms: with a 0.72 baseline and 50 outcomes,
 * the accuracy of a model that did not change falls more than 0.05 below 0.72 in about one window in five
 * (and 4 standard errors below it, to 0.46, in one window in 10,000).
 * Set the significance to 0 to apply the thresholds as they are.
 *
 * <p><b>Inputs.</b> When a version's manifest has a {@code reference} (see {@link
 * Publication.Builder#reference}), one call in {@link #inputSampling()} has its row copied, off the caller's
 * critical path, into per-feature histograms over the reference's bins (missing values in a bin of their
 * own); every {@link #driftWindow()} samples the registry computes each feature's PSI and Jensen-Shannon
 * distance from the reference and reports a feature whose PSI reaches {@link #psiWarn()} or {@link
 * #psiAlarm()}.
 *
 * <p>The seed rule "retrain when accuracy over the last 50 outcomes is more than 0.05 below the 0.72 in
 * metrics.json" is {@code QualityPolicy.builder().window(50).threshold("accuracy", Threshold.absolute(0.05))
 * .build()}.
 *
 * @param window outcomes kept per version and arm
 * @param maxAge outcomes older than this are left out, or null to keep the last {@code window} whatever
 *     their age
 * @param minOutcomes outcomes needed before judging
 * @param significance how many standard errors a metric must be worse than its baseline by, besides its
 *     threshold
 * @param thresholds per metric; empty means the defaults for every metric the baseline has
 * @param inputSampling one call in this many has its input sampled (a power of two), 0 for none
 * @param driftWindow input samples per drift judgement
 * @param psiWarn PSI that reports a feature as drifting
 * @param psiAlarm PSI that reports a feature as drifted
 * @param action what to do when the stable version degrades (a degraded canary is aborted whenever an
 *     action other than {@link Action#REPORT} is set)
 */
public record QualityPolicy(
    int window,
    @Nullable Duration maxAge,
    int minOutcomes,
    double significance,
    Map<String, Threshold> thresholds,
    int inputSampling,
    int driftWindow,
    double psiWarn,
    double psiAlarm,
    Action action) {

  /** The metrics the registry computes. */
  public static final java.util.List<String> METRICS =
      java.util.List.of("accuracy", "log_loss", "brier", "roc_auc", "mae", "rmse");

  /** Checks and copies. */
  public QualityPolicy {
    if (window < 2) {
      throw new IllegalArgumentException("window must be >= 2 but was " + window);
    }
    if (minOutcomes < 1 || minOutcomes > window) {
      throw new IllegalArgumentException("minOutcomes must be in [1, window=" + window + "] but was " + minOutcomes);
    }
    if (!(significance >= 0)) {
      throw new IllegalArgumentException("significance must be >= 0 but was " + significance);
    }
    thresholds = Map.copyOf(thresholds);
    for (String metric : thresholds.keySet()) {
      if (!METRICS.contains(metric)) {
        throw new IllegalArgumentException("metric " + Names.quote(metric) + " is not one of " + METRICS);
      }
    }
    if (inputSampling < 0 || (inputSampling > 0 && Integer.bitCount(inputSampling) != 1)) {
      throw new IllegalArgumentException("inputSampling must be 0 or a power of two but was " + inputSampling);
    }
    if (driftWindow < 10) {
      throw new IllegalArgumentException("driftWindow must be >= 10 but was " + driftWindow);
    }
    if (!(psiWarn > 0 && psiAlarm >= psiWarn)) {
      throw new IllegalArgumentException("need 0 < psiWarn <= psiAlarm but got " + psiWarn + " and " + psiAlarm);
    }
    requireNonNull(action, "action");
  }

  /**
   * A builder with the defaults: window 50, significance 4.5 standard errors (a stable 0.72-accuracy model
   * breaches it in about one 50-outcome window in 100,000), thresholds accuracy and ROC-AUC 0.05 absolute,
   * log loss and Brier 20 %, MAE and RMSE 10 %, input sampling 1/16, drift window 1000, PSI 0.1 and 0.25.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy with every default. */
  public static QualityPolicy defaults() {
    return builder().build();
  }

  /** The threshold of {@code metric}: the declared one, else the default. */
  public Threshold thresholdOf(String metric) {
    Threshold t = thresholds.get(metric);
    return t != null ? t : DEFAULTS.get(metric);
  }

  /** Whether {@code metric} is judged: declared, or any metric when none is declared. */
  public boolean judges(String metric) {
    return thresholds.isEmpty() || thresholds.containsKey(metric);
  }

  private static final Map<String, Threshold> DEFAULTS = Map.of(
      "accuracy", Threshold.absolute(0.05),
      "roc_auc", Threshold.absolute(0.05),
      "log_loss", Threshold.relative(0.20),
      "brier", Threshold.relative(0.20),
      "mae", Threshold.relative(0.10),
      "rmse", Threshold.relative(0.10));

  /** Whether higher values of {@code metric} are better. */
  public static boolean higherIsBetter(String metric) {
    return metric.equals("accuracy") || metric.equals("roc_auc");
  }

  /**
   * How much worse than its baseline a metric may get.
   *
   * @param value the amount: in the metric's units, or a fraction of the baseline
   * @param relative whether {@code value} is a fraction of the baseline
   */
  public record Threshold(double value, boolean relative) {

    /** Checks. */
    public Threshold {
      if (!(value >= 0)) {
        throw new IllegalArgumentException("a threshold must be >= 0 but was " + value);
      }
    }

    /** Worse than the baseline by more than {@code amount}, in the metric's units. */
    public static Threshold absolute(double amount) {
      return new Threshold(amount, false);
    }

    /** Worse than the baseline by more than {@code fraction} of it (0.10: 10 %). */
    public static Threshold relative(double fraction) {
      return new Threshold(fraction, true);
    }

    /** The allowed amount for {@code baseline}. */
    public double allowance(double baseline) {
      return relative ? value * Math.abs(baseline) : value;
    }

    @Override
    public String toString() {
      return relative ? String.format(Locale.ROOT, "%.0f%%", value * 100) : String.valueOf(value);
    }
  }

  /** What the registry does when a version degrades. */
  public enum Action {
    /** Report it (event, WARN log, health detail, meters) and nothing else. */
    REPORT,
    /** Move the store's pointer back (every replica follows), through the publisher given to the builder. */
    ROLL_BACK,
    /** Pin this registry to the pointer's previous version (the store is not touched). */
    PIN_PREVIOUS
  }

  /** Builds a {@link QualityPolicy}. Not thread-safe. */
  public static final class Builder {
    private int window = 50;
    private @Nullable Duration maxAge;
    private @Nullable Integer minOutcomes;
    private double significance = 4.5;
    private final Map<String, Threshold> thresholds = new LinkedHashMap<>();
    private int inputSampling = 16;
    private int driftWindow = 1000;
    private double psiWarn = 0.1;
    private double psiAlarm = 0.25;
    private Action action = Action.REPORT;

    private Builder() {}

    /** Outcomes kept per version and arm. Default 50. */
    public Builder window(int outcomes) {
      this.window = outcomes;
      return this;
    }

    /** Leaves out outcomes older than {@code age}. Default: none. */
    public Builder maxAge(Duration age) {
      this.maxAge = requireNonNull(age, "age");
      return this;
    }

    /** Outcomes needed before judging. Default: the window. */
    public Builder minOutcomes(int outcomes) {
      this.minOutcomes = outcomes;
      return this;
    }

    /** Standard errors a metric must also be worse by. Default 4.5; 0 applies the thresholds as they are. */
    public Builder significance(double standardErrors) {
      this.significance = standardErrors;
      return this;
    }

    /** Judges {@code metric} with {@code threshold}; once any is given, only the given metrics are judged. */
    public Builder threshold(String metric, Threshold threshold) {
      thresholds.put(requireNonNull(metric, "metric"), requireNonNull(threshold, "threshold"));
      return this;
    }

    /** One call in {@code everyNth} (a power of two) has its input sampled; 0 for none. Default 16. */
    public Builder inputSampling(int everyNth) {
      this.inputSampling = everyNth;
      return this;
    }

    /** Input samples per drift judgement. Default 1000. */
    public Builder driftWindow(int samples) {
      this.driftWindow = samples;
      return this;
    }

    /** PSI thresholds. Default 0.1 (warn) and 0.25 (alarm). */
    public Builder psi(double warn, double alarm) {
      this.psiWarn = warn;
      this.psiAlarm = alarm;
      return this;
    }

    /** What to do on degradation. Default {@link Action#REPORT}. */
    public Builder action(Action action) {
      this.action = requireNonNull(action, "action");
      return this;
    }

    /** Builds. */
    public QualityPolicy build() {
      return new QualityPolicy(window, maxAge, minOutcomes != null ? minOutcomes : window, significance, thresholds,
          inputSampling, driftWindow, psiWarn, psiAlarm, action);
    }
  }
}
