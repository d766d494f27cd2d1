package dev.modelregistry.internal;

import dev.modelregistry.Lease;
import dev.modelregistry.Manifest;
import dev.modelregistry.Model;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelSource;
import dev.modelregistry.RegistryClosedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The serving slot of one model: it holds one immutable {@link Routing} snapshot, and is the read path.
 * Thread-safe and lock-free; calls fall forward to whatever version is live when they start.
 */
final class ModelHandle implements Model {

  private final String name;
  private final Retirement retirement;

  /** What is served; written by the controller with one volatile write per swap, null until loaded. */
  private volatile @Nullable Routing routing;

  private volatile boolean closed;

  ModelHandle(String name, Retirement retirement) {
    this.name = name;
    this.retirement = retirement;
  }

  // ------------------------------------------------------------------ read path

  @Override
  public float[] predict(float[] features) {
    int stripe = LeaseCounter.stripe();
    LoadedVersion v = enter(stripe);
    if (!v.recordStats) {
      try {
        return v.predict(features);
      } finally {
        v.leases.decrement(stripe);
      }
    }
    long start = v.stats.start(stripe);
    boolean ok = false;
    try {
      float[] out = v.predict(features);
      ok = true;
      return out;
    } finally {
      leave(v, stripe, start, ok);
    }
  }

  @Override
  public float[][] predict(float[][] rows) {
    int stripe = LeaseCounter.stripe();
    LoadedVersion v = enter(stripe);
    if (!v.recordStats) {
      try {
        return v.predict(rows);
      } finally {
        v.leases.decrement(stripe);
      }
    }
    long start = v.stats.start(stripe);
    boolean ok = false;
    try {
      float[][] out = v.predict(rows);
      ok = true;
      return out;
    } finally {
      leave(v, stripe, start, ok);
    }
  }

  @Override
  public float[] predict(Map<String, ? extends Number> features) {
    int stripe = LeaseCounter.stripe();
    LoadedVersion v = enter(stripe);
    if (!v.recordStats) {
      try {
        return v.predict(features);
      } finally {
        v.leases.decrement(stripe);
      }
    }
    long start = v.stats.start(stripe);
    boolean ok = false;
    try {
      float[] out = v.predict(features);
      ok = true;
      return out;
    } finally {
      leave(v, stripe, start, ok);
    }
  }

  /** Ends a counted call: records its time, then releases its lease. */
  private static void leave(LoadedVersion v, int stripe, long start, boolean ok) {
    v.stats.end(stripe, start, ok);
    v.leases.decrement(stripe);
  }

  /**
   * Enters the stable version for one call.
   *
   * <p>The handshake with the reaper: the reader increments the version's counter (a volatile
   * read-modify-write), then reads its retired flag; the swapper writes the new snapshot into the slot and
   * then sets the retired flag of each version the new snapshot no longer serves; the reaper closes a
   * retired version only when its counter reads zero. In the total order of these volatile accesses either
   * the reaper's sum comes after the increment (and sees it, so it waits), or the reader's flag read comes
   * after the retire (and sees it, so the reader backs off and reads the slot again, which by then holds a
   * newer snapshot). A reader therefore never uses a closed version, and never waits: backing off happens at
   * most once per swap it races with.
   */
  LoadedVersion enter(int stripe) {
    for (;;) {
      LoadedVersion v = stable();
      v.leases.increment(stripe);
      if (!v.isRetired()) {
        return v;
      }
      v.leases.decrement(stripe);
    }
  }

  @Override
  public Lease lease() {
    int stripe = LeaseCounter.stripe();
    Retirement r = retirement;
    for (;;) {
      LoadedVersion v = stable();
      v.leases.openLease(stripe, r.coarseNow());
      if (!v.isRetired()) {
        return r.captureStacks() ? r.track(new TrackedLease(v, stripe, r, r.ticker().read())) : new LeaseImpl(v, stripe);
      }
      v.leases.closeLease(stripe);
    }
  }

  private LoadedVersion stable() {
    Routing r = routing;
    if (r == null) {
      throw unavailable();
    }
    return r.stable();
  }

  // ------------------------------------------------------------------ accessors of the live version

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return stable().version.value();
  }

  @Override
  public ModelSource source() {
    return stable().source;
  }

  @Override
  public List<String> features() {
    return stable().features;
  }

  @Override
  public Map<String, Double> metrics() {
    return stable().metrics;
  }

  @Override
  public Optional<Manifest> manifest() {
    return Optional.ofNullable(stable().manifest);
  }

  @Override
  public String toString() {
    Routing r = routing;
    return "Model[" + name + " " + (r == null ? "not loaded" : r.stable().version + " from " + r.stable().source) + "]";
  }

  // ------------------------------------------------------------------ controller side

  /** The stable version, or null when nothing is loaded. */
  @Nullable LoadedVersion live() {
    Routing r = routing;
    return r == null ? null : r.stable();
  }

  Retirement retirement() {
    return retirement;
  }

  @Nullable Routing routing() {
    return routing;
  }

  /** Makes {@code next} what is served; returns the snapshot it replaced. Called by the controller only. */
  @Nullable Routing swap(Routing next) {
    Routing previous = routing;
    routing = next;
    return previous;
  }

  /** Empties the slot for good; later calls throw {@link RegistryClosedException}. */
  @Nullable Routing closeSlot() {
    closed = true;
    Routing previous = routing;
    routing = null;
    return previous;
  }

  boolean isLoaded() {
    return routing != null;
  }

  private RuntimeException unavailable() {
    return closed
        ? new RegistryClosedException(name)
        : ModelNotFoundException.notLoaded(name, "no source has given a version yet");
  }
}
