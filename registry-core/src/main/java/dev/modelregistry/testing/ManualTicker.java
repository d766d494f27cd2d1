package dev.modelregistry.testing;

import dev.modelregistry.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told, like Micrometer's {@code MockClock}: pass it to {@code
 * ModelRegistry.builder().ticker(...)} with a {@link ManualScheduler} on it, and backoff, deadlines and lease
 * ages become exact. Thread-safe.
 */
public final class ManualTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong();

  /** A ticker at an arbitrary origin. */
  public ManualTicker() {}

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves time forward by {@code step}; returns the new reading. */
  public long advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward, but the step was " + step);
    }
    return nanos.addAndGet(step.toNanos());
  }
}
