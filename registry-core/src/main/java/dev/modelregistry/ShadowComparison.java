package dev.modelregistry;

import static java.util.Objects.requireNonNull;

/**
 * How a shadow version's answers compare with the stable version's, on the sample of calls it was given.
 * Kept in fixed memory (counters and log-scale histograms, so quantiles are within about 10 %). Immutable.
 *
 * @param model the model
 * @param stableVersion the version that answered the callers
 * @param shadowVersion the shadow version
 * @param calls calls whose input the shadow got and answered
 * @param dropped calls the shadow should have got but did not, because its queue was full
 * @param errors shadow calls that threw, or answered with a different number of outputs
 * @param agreements calls where both agreed: the same side of 0.5 for one output, the same arg-max for several
 * @param differenceP50 the median of the largest absolute difference between the two outputs
 * @param differenceP99 its 99th percentile
 * @param differenceMax its maximum
 * @param stableNanosP50 the median time of the stable version's call, in nanoseconds
 * @param stableNanosP99 its 99th percentile
 * @param shadowNanosP50 the median time of the shadow's call
 * @param shadowNanosP99 its 99th percentile
 */
public record ShadowComparison(
    String model,
    String stableVersion,
    String shadowVersion,
    long calls,
    long dropped,
    long errors,
    long agreements,
    double differenceP50,
    double differenceP99,
    double differenceMax,
    double stableNanosP50,
    double stableNanosP99,
    double shadowNanosP50,
    double shadowNanosP99) {

  /** Checks. */
  public ShadowComparison {
    requireNonNull(model, "model");
    requireNonNull(stableVersion, "stableVersion");
    requireNonNull(shadowVersion, "shadowVersion");
  }

  /** The fraction of compared calls where the two agreed, or NaN before the first. */
  public double agreement() {
    return calls == 0 ? Double.NaN : (double) agreements / calls;
  }
}
