package dev.modelregistry.internal;

import dev.modelregistry.ShadowComparison;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running comparison of one shadow pair (a stable version and its shadow), in fixed memory. Thread-safe.
 */
final class ShadowStats {

  final String model;
  final String stable;
  final String shadow;
  private final LongAdder calls = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder agreements = new LongAdder();
  private final LogHistogram difference = new LogHistogram();
  private final LogHistogram stableNanos = new LogHistogram();
  private final LogHistogram shadowNanos = new LogHistogram();

  ShadowStats(String model, String stable, String shadow) {
    this.model = model;
    this.stable = stable;
    this.shadow = shadow;
  }

  void dropped() {
    dropped.increment();
  }

  void failed() {
    errors.increment();
  }

  /** Compares one call's outputs. */
  void compare(float[] primary, float[] shadowOut, long primaryNanos, long shadowCallNanos) {
    if (primary.length != shadowOut.length || primary.length == 0) {
      errors.increment();
      return;
    }
    calls.increment();
    double diff = 0;
    for (int i = 0; i < primary.length; i++) {
      diff = Math.max(diff, Math.abs((double) primary[i] - shadowOut[i]));
    }
    difference.record(diff);
    if (agree(primary, shadowOut)) {
      agreements.increment();
    }
    stableNanos.record(primaryNanos);
    shadowNanos.record(shadowCallNanos);
  }

  /** Compares the rows of one batch call. */
  void compare(float[][] primary, float[][] shadowOut, long primaryNanos, long shadowCallNanos) {
    if (primary.length != shadowOut.length) {
      errors.increment();
      return;
    }
    for (int r = 0; r < primary.length; r++) {
      compare(primary[r], shadowOut[r], primaryNanos / Math.max(1, primary.length),
          shadowCallNanos / Math.max(1, primary.length));
    }
  }

  private static boolean agree(float[] a, float[] b) {
    if (a.length == 1) {
      return (a[0] >= 0.5f) == (b[0] >= 0.5f);
    }
    return argMax(a) == argMax(b);
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  ShadowComparison snapshot() {
    return new ShadowComparison(model, stable, shadow, calls.sum(), dropped.sum(), errors.sum(), agreements.sum(),
        difference.quantile(0.5), difference.quantile(0.99), difference.max(),
        stableNanos.quantile(0.5), stableNanos.quantile(0.99), shadowNanos.quantile(0.5), shadowNanos.quantile(0.99));
  }
}
