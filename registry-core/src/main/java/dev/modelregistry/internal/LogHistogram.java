package dev.modelregistry.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of non-negative doubles in fixed memory: one bucket per eighth of each power of two, from
 * 2^-64 to 2^64, so a quantile is within 12.5 % of the true value; zero has its own bucket, and the maximum
 * is exact. Thread-safe and lock-free; recording is one atomic increment.
 */
final class LogHistogram {

  private static final int SUB = 8;
  private static final int MIN_EXPONENT = -64;
  private static final int MAX_EXPONENT = 64;
  private static final int BUCKETS = (MAX_EXPONENT - MIN_EXPONENT + 1) * SUB + 1;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong maxBits = new AtomicLong();

  /** Records {@code value}; negative and NaN values are ignored. */
  void record(double value) {
    if (!(value >= 0)) {
      return;
    }
    counts.incrementAndGet(index(value));
    total.incrementAndGet();
    long bits = Double.doubleToRawLongBits(value); // for non-negative doubles, bit order is numeric order
    maxBits.accumulateAndGet(bits, Math::max);
  }

  long count() {
    return total.get();
  }

  double max() {
    return total.get() == 0 ? Double.NaN : Double.longBitsToDouble(maxBits.get());
  }

  /** The value at quantile {@code q} (the upper edge of its bucket, at most the maximum); NaN when empty. */
  double quantile(double q) {
    long n = total.get();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return Math.min(upperEdge(i), max());
      }
    }
    return max();
  }

  private static int index(double value) {
    if (value == 0 || value < Math.scalb(1.0, MIN_EXPONENT)) {
      return 0;
    }
    int exponent = Math.min(MAX_EXPONENT, Math.getExponent(value));
    double mantissa = value / Math.scalb(1.0, exponent); // in [1, 2)
    int sub = Math.min(SUB - 1, (int) ((mantissa - 1) * SUB));
    return 1 + (exponent - MIN_EXPONENT) * SUB + sub;
  }

  private static double upperEdge(int index) {
    if (index == 0) {
      return 0;
    }
    int exponent = (index - 1) / SUB + MIN_EXPONENT;
    int sub = (index - 1) % SUB;
    return Math.scalb(1.0 + (sub + 1) / (double) SUB, exponent);
  }
}
