package dev.modelregistry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Picks one call in {@code every} for input sampling, on the read path: a plain increment of the calling
 * thread's own padded counter and a mask test; only a sampled call copies its row and hands it to the
 * quality monitor's queue. Thread-safe (counts are approximate when threads share a stripe, which only
 * shifts which call is sampled).
 */
final class InputSampler {

  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int PAD = 16;

  private final long mask;
  private final long[] cells = new long[(LeaseCounter.STRIPES + 2) * PAD];
  final QualityMonitor monitor;
  final LoadedVersion version;

  InputSampler(int every, QualityMonitor monitor, LoadedVersion version) {
    this.mask = every - 1L;
    this.monitor = monitor;
    this.version = version;
  }

  /** Whether this call is sampled. */
  boolean tick(int stripe) {
    int i = (stripe + 1) * PAD;
    long n = (long) CELLS.getOpaque(cells, i);
    CELLS.setOpaque(cells, i, n + 1);
    return (n & mask) == 0;
  }

  /** Hands a copy of {@code row} to the monitor (dropped, and counted, when its queue is full). */
  void sample(float[] row) {
    monitor.offerInput(version, row.clone());
  }
}
