package dev.modelregistry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts the calls in flight on one version, in striped cells padded to their own cache lines so threads
 * on different cores do not contend for one line. Thread-safe and lock-free.
 *
 * <p>A thread always uses the same stripe (picked from its id), and a lease is released on the stripe it
 * was acquired on, so every cell returns to zero when no call is in flight. {@link #increment} has
 * volatile semantics: together with the volatile retired flag of {@link LoadedVersion} it forms the
 * handshake that keeps the reaper from closing a version a reader has just entered (see {@link
 * ModelHandle#enter}).
 */
final class LeaseCounter {

  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /**
   * Distance between live cells, in longs: 128 bytes, because x86 prefetches cache lines in pairs. The
   * first cell also starts 128 bytes in, away from the array header and whatever precedes it.
   */
  private static final int PAD = 16;

  /** Number of stripes: a power of two, at least twice the processors, at most 64. */
  static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

  private static final int MASK = STRIPES - 1;

  private final long[] cells = new long[(STRIPES + 2) * PAD];

  /** The stripe of the calling thread. */
  static int stripe() {
    long id = Thread.currentThread().getId();
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & MASK;
  }

  /** Marks a call in flight on {@code stripe}. Volatile: ordered before any later read of the retired flag. */
  void increment(int stripe) {
    CELLS.getAndAdd(cells, index(stripe), 1L);
  }

  /** Marks a call on {@code stripe} as returned. */
  void decrement(int stripe) {
    CELLS.getAndAddRelease(cells, index(stripe), -1L);
  }

  /** The number of calls in flight; exact when no thread is entering or leaving. */
  long sum() {
    long sum = 0;
    for (int s = 0; s < STRIPES; s++) {
      sum += (long) CELLS.getVolatile(cells, index(s));
    }
    return sum;
  }

  private static int index(int stripe) {
    return (stripe + 1) * PAD;
  }

  static int stripes(int processors) {
    int wanted = Math.max(2, Math.min(64, processors * 2));
    return Integer.highestOneBit(wanted - 1) << 1;
  }
}
