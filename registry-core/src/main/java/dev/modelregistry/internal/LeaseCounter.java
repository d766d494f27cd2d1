package dev.modelregistry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts the calls and leases in flight on one version, in striped cells padded to their own cache lines
 * so threads on different cores do not contend for one line. Thread-safe and lock-free.
 *
 * <p>Each stripe has three cells on one cache line: the calls in flight (predictions), the leases open, and
 * since when (on the registry's coarse clock) the stripe has had a lease open without a break, which the
 * lease watchdog scans to find leases held too long without keeping a shared set of them.
 *
 * <p>A thread always uses the same stripe (picked from its id), and a call or lease is released on the
 * stripe it was acquired on, so every cell returns to zero when nothing is in flight. The increments have
 * volatile semantics: together with the volatile retired flag of {@link LoadedVersion} they form the
 * handshake that keeps the reaper from closing a version a reader has just entered (see {@link
 * ModelHandle#enter}).
 */
final class LeaseCounter {

  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /**
   * Distance between stripes, in longs: 128 bytes, because x86 prefetches cache lines in pairs. The first
   * stripe also starts 128 bytes in, away from the array header and whatever precedes it.
   */
  private static final int PAD = 16;

  private static final int CALLS = 0;
  private static final int LEASES = 1;
  private static final int BUSY_SINCE = 2;

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
    CELLS.getAndAdd(cells, index(stripe) + CALLS, 1L);
  }

  /** Marks a call on {@code stripe} as returned. */
  void decrement(int stripe) {
    CELLS.getAndAddRelease(cells, index(stripe) + CALLS, -1L);
  }

  /**
   * Marks a lease open on {@code stripe}; volatile like {@link #increment}. When the stripe had no lease
   * open, records {@code coarseNow} as the start of its busy period.
   */
  void openLease(int stripe, long coarseNow) {
    int base = index(stripe);
    if ((long) CELLS.getAndAdd(cells, base + LEASES, 1L) == 0) {
      CELLS.setOpaque(cells, base + BUSY_SINCE, coarseNow);
    }
  }

  /** Undoes {@link #openLease} for a lease that was not handed out (its version was retired meanwhile). */
  void closeLease(int stripe) {
    int base = index(stripe);
    if ((long) CELLS.getAndAddRelease(cells, base + LEASES, -1L) == 1) {
      // Best effort: a lease opened on this stripe by another thread between the decrement and this write
      // loses its start time, so it may be reported late. It is never reported early.
      CELLS.setOpaque(cells, base + BUSY_SINCE, 0L);
    }
  }

  /** The number of calls and leases in flight; exact when no thread is entering or leaving. */
  long sum() {
    long sum = 0;
    for (int s = 0; s < STRIPES; s++) {
      int base = index(s);
      sum += (long) CELLS.getVolatile(cells, base + CALLS) + (long) CELLS.getVolatile(cells, base + LEASES);
    }
    return sum;
  }

  /**
   * Since when, on the coarse clock, stripe {@code s} has had a lease open without a break; 0 when it has
   * none.
   */
  long busySince(int s) {
    int base = index(s);
    if ((long) CELLS.getVolatile(cells, base + LEASES) <= 0) {
      return 0;
    }
    return (long) CELLS.getOpaque(cells, base + BUSY_SINCE);
  }

  private static int index(int stripe) {
    return (stripe + 1) * PAD;
  }

  static int stripes(int processors) {
    int wanted = Math.max(4, Math.min(64, processors * 4));
    return Integer.highestOneBit(wanted - 1) << 1;
  }
}
