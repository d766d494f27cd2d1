package dev.modelregistry.internal;

import dev.modelregistry.Arm;
import dev.modelregistry.Lease;
import dev.modelregistry.Manifest;
import dev.modelregistry.ModelSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lease on one version, taken by {@link ModelHandle#lease()}. Thread-safe; closes once.
 *
 * <p>Deliberately small: a lease is two fields and a flag, its open and close are two atomic additions on
 * the calling thread's own stripe of the version's counter (see {@link LeaseCounter}) and one atomic
 * exchange of its flag. It is not registered anywhere; the watchdog finds leases held too long from the
 * stripes' busy times. {@link TrackedLease} adds the thread and stack, when the registry records them.
 */
class LeaseImpl implements Lease {

  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(LeaseImpl.class, "closed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final LoadedVersion version;
  private final int stripe;
  private final Arm arm;

  @SuppressWarnings("unused") // accessed through CLOSED
  private volatile int closed;

  LeaseImpl(LoadedVersion version, int stripe, Arm arm) {
    this.version = version;
    this.stripe = stripe;
    this.arm = arm;
  }

  @Override
  public Arm arm() {
    open();
    return arm;
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
    return Call.counted(open(), stripe, features, Call.ROW);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return Call.counted(open(), stripe, rows, Call.BATCH);
  }

  @Override
  public float[] predict(Map<String, ? extends Number> features) {
    return Call.counted(open(), stripe, features, Call.NAMED);
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
    if ((int) CLOSED.getAndSet(this, 1) == 0) {
      released();
      version.leases.closeLease(stripe);
    }
  }

  /** Called once, by the first {@link #close()}, before the version is released. */
  void released() {}

  final boolean isClosed() {
    return closed != 0;
  }

  private LoadedVersion open() {
    if (closed != 0) {
      throw new IllegalStateException(
          "lease on model " + version.model + " " + version.version + " is closed");
    }
    return version;
  }

  @Override
  public String toString() {
    return "Lease[" + version + (closed != 0 ? ", closed]" : "]");
  }
}
