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

  /** Number of stripes: a power of two, at least four times the processors, at most 64. */
  static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

  private static final int MASK = STRIPES - 1;

  private final long[] cells = new long[(STRIPES + 2) * PAD];

  /**
   * The stripe of the calling thread: its id modulo the stripe count. Thread ids are handed out in sequence,
   * so the threads of a pool, created together, land on different stripes (a scrambling hash would put two
   * of them on one stripe, and make them contend for its cache line, one time in {@code STRIPES}).
   */
  static int stripe() {
    return (int) Thread.currentThread().getId() & MASK;
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
    int wanted = Math.max(4, Math.min(64, processors * 4));
    return Integer.highestOneBit(wanted - 1) << 1;
  }
}
