package dev.modelregistry.internal;

import dev.modelregistry.VersionId;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The backoff of one model's failing version: a version that failed to load is retried after the poll
 * interval, doubled with each failure up to the maximum backoff, not at every poll. Not thread-safe: the
 * controller guards it with its lock.
 */
final class RetryBackoff {

  private final Duration interval;
  private final Duration max;
  private @Nullable VersionId failed;
  private int attempts;
  private long retryAtNanos;

  RetryBackoff(Duration interval, Duration max) {
    this.interval = interval;
    this.max = max;
  }

  /** Records a failure of {@code version} at {@code nowNanos}. */
  void failed(VersionId version, long nowNanos) {
    attempts = version.equals(failed) ? attempts + 1 : 1;
    failed = version;
    retryAtNanos = nowNanos + delayNanos(interval, max, attempts);
  }

  /** Forgets the failure. */
  void clear() {
    failed = null;
    attempts = 0;
  }

  /** The version that failed last, if it has not succeeded since. */
  @Nullable VersionId failedVersion() {
    return failed;
  }

  /** Whether {@code version} failed and its next attempt is not due at {@code nowNanos}. */
  boolean backingOff(VersionId version, long nowNanos) {
    return version.equals(failed) && nowNanos - retryAtNanos < 0;
  }

  /** The interval times 2^(attempt-1), capped at {@code max}. */
  static long delayNanos(Duration interval, Duration max, int attempt) {
    long base = interval.toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long delay = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    return Math.min(delay, max.toNanos());
  }
}
