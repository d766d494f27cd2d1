package dev.modelregistry;

/**
 * A source of nanosecond time for measuring intervals (poll delays, backoff, load deadlines, how long a
 * lease has been held), as {@link System#nanoTime()} gives it. Implementations must be thread-safe. Pass a
 * manual one (the testkit's {@code ManualTicker}) to {@link ModelRegistry.Builder#ticker(Ticker)} to make
 * time-based behaviour exact in tests.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary origin; only differences between two reads are meaningful. */
  long read();

  /** The system ticker, {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** {@link System#nanoTime()}. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
