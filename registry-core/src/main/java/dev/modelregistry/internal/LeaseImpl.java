package dev.modelregistry.internal;

import dev.modelregistry.Lease;
import dev.modelregistry.Manifest;
import dev.modelregistry.ModelSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A lease on one version, taken by {@link ModelHandle#lease()}. Thread-safe; closes once.
 */
final class LeaseImpl implements Lease {

  final LoadedVersion version;
  final long acquiredAtNanos;
  final String threadName;
  final @Nullable Throwable acquiredAt;
  volatile boolean reported;

  private final int stripe;
  private final Retirement retirement;
  private final AtomicBoolean closed = new AtomicBoolean();

  LeaseImpl(LoadedVersion version, int stripe, Retirement retirement) {
    this.version = version;
    this.stripe = stripe;
    this.retirement = retirement;
    this.acquiredAtNanos = System.nanoTime();
    this.threadName = Thread.currentThread().getName();
    this.acquiredAt =
        retirement.captureStacks()
            ? new LeaseOrigin("lease on model " + version.model + " " + version.version + " taken here")
            : null;
  }

  @Override
  public String name() {
    return open().model;
  }

  @Override
  public String version() {
    return open().version.value();
  }

  @Override
  public ModelSource source() {
    return open().source;
  }

  @Override
  public List<String> features() {
    return open().features;
  }

  @Override
  public Map<String, Double> metrics() {
    return open().metrics;
  }

  @Override
  public Optional<Manifest> manifest() {
    return Optional.ofNullable(open().manifest);
  }

  @Override
  public float[] predict(float[] features) {
    return open().predict(features);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return open().predict(rows);
  }

  @Override
  public float[] predict(Map<String, ? extends Number> features) {
    return open().predict(features);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    LoadedVersion v = open();
    return v.predictor.unwrap(type).orElseThrow(() -> new IllegalArgumentException(
        "model " + v.model + " " + v.version + " is served by " + v.predictor.getClass().getName()
            + ", which does not provide " + type.getName()));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      retirement.untrack(this);
      version.leases.decrement(stripe);
    }
  }

  private LoadedVersion open() {
    if (closed.get()) {
      throw new IllegalStateException(
          "lease on model " + version.model + " " + version.version + " is closed");
    }
    return version;
  }

  @Override
  public String toString() {
    return "Lease[" + version + (closed.get() ? ", closed]" : "]");
  }

  /** Records where a lease was taken; printed as the cause of an overdue-lease warning. */
  static final class LeaseOrigin extends Throwable {
    private static final long serialVersionUID = 1L;

    LeaseOrigin(String message) {
      super(message, null, false, true);
    }
  }
}
