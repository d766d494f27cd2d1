package dev.modelregistry.internal;

import dev.modelregistry.PredictionStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Prediction counts and times of one version, in striped cells padded like {@link LeaseCounter}'s: a
 * thread records into its own stripe, so recording does not contend. Thread-safe and lock-free.
 *
 * <p>Every call is counted; one call in {@value #SAMPLE_EVERY} per stripe is timed, and the total time is
 * extrapolated from the timed ones. Reading the clock twice costs more than the rest of the read path on
 * some machines (about 20 ns per read on the virtual machine the benchmarks ran on), so timing every call
 * would triple the registry's overhead.
 */
final class PredictionCounters implements PredictionStats {

  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int PAD = 16;
  private static final int COUNT = 0;
  private static final int FAILURES = 1;
  private static final int NANOS = 2;
  private static final int TIMED = 3;

  /** One call in this many per stripe is timed; a power of two. */
  static final int SAMPLE_EVERY = 8;

  /** What {@link #start} returns for a call that is not timed. */
  static final long NOT_TIMED = Long.MIN_VALUE;

  private final String model;
  private final String version;
  private final long[] cells = new long[(LeaseCounter.STRIPES + 2) * PAD];

  PredictionCounters(String model, String version) {
    this.model = model;
    this.version = version;
  }

  /** Counts a call starting on {@code stripe}; returns its start time if it is one of the timed ones. */
  long start(int stripe) {
    long n = (long) CELLS.getAndAdd(cells, (stripe + 1) * PAD + COUNT, 1L);
    return (n & (SAMPLE_EVERY - 1)) == 0 ? System.nanoTime() : NOT_TIMED;
  }

  /** Ends a call that {@link #start} began. */
  void end(int stripe, long start, boolean succeeded) {
    int base = (stripe + 1) * PAD;
    if (!succeeded) {
      CELLS.getAndAdd(cells, base + FAILURES, 1L);
    }
    if (start != NOT_TIMED) {
      CELLS.getAndAdd(cells, base + NANOS, System.nanoTime() - start);
      CELLS.getAndAdd(cells, base + TIMED, 1L);
    }
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
    return sum(COUNT) - sum(FAILURES);
  }

  @Override
  public long failures() {
    return sum(FAILURES);
  }

  @Override
  public double totalTime(TimeUnit unit) {
    long timed = sum(TIMED);
    if (timed == 0) {
      return 0;
    }
    double nanos = (double) sum(NANOS) / timed * sum(COUNT);
    return nanos / unit.toNanos(1);
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
