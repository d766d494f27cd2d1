package dev.modelregistry.internal;

import dev.modelregistry.PredictionStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Prediction counts and times of one version, in striped cells padded like {@link LeaseCounter}'s: a
 * thread records into its own stripe, so recording does not contend. Thread-safe and lock-free.
 */
final class PredictionCounters implements PredictionStats {

  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int PAD = 16;
  private static final int COUNT = 0;
  private static final int FAILURES = 1;
  private static final int NANOS = 2;

  private final String model;
  private final String version;
  private final long[] cells = new long[(LeaseCounter.STRIPES + 2) * PAD];

  PredictionCounters(String model, String version) {
    this.model = model;
    this.version = version;
  }

  /** Records one call on {@code stripe} that started at {@code startNanos}. */
  void record(int stripe, long startNanos, boolean succeeded) {
    long took = System.nanoTime() - startNanos;
    int base = (stripe + 1) * PAD;
    CELLS.getAndAdd(cells, base + (succeeded ? COUNT : FAILURES), 1L);
    CELLS.getAndAdd(cells, base + NANOS, took);
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public long count() {
    return sum(COUNT);
  }

  @Override
  public long failures() {
    return sum(FAILURES);
  }

  @Override
  public double totalTime(TimeUnit unit) {
    return (double) sum(NANOS) / unit.toNanos(1);
  }

  private long sum(int field) {
    long sum = 0;
    for (int s = 0; s < LeaseCounter.STRIPES; s++) {
      sum += (long) CELLS.getVolatile(cells, (s + 1) * PAD + field);
    }
    return sum;
  }

  @Override
  public String toString() {
    return "PredictionStats[" + model + " " + version + ": " + count() + " calls, " + failures() + " failed]";
  }
}
