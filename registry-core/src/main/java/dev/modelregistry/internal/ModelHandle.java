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
 * The live model of one name: the slot that holds its current version, and the read path. Thread-safe and
 * lock-free; calls fall forward to whatever version is live when they start.
 */
final class ModelHandle implements Model {

  private final String name;
  private final Retirement retirement;
  private final boolean timed;

  /** The live version; written by the controller with one volatile write per swap, null until loaded. */
  private volatile @Nullable LoadedVersion live;

  private volatile boolean closed;

  ModelHandle(String name, Retirement retirement, boolean timed) {
    this.name = name;
    this.retirement = retirement;
    this.timed = timed;
  }

  // ------------------------------------------------------------------ read path

  @Override
  public float[] predict(float[] features) {
    int stripe = LeaseCounter.stripe();
    LoadedVersion v = enter(stripe);
    long start = timed ? v.stats.start(stripe) : PredictionCounters.NOT_TIMED;
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
    long start = timed ? v.stats.start(stripe) : PredictionCounters.NOT_TIMED;
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
    long start = timed ? v.stats.start(stripe) : PredictionCounters.NOT_TIMED;
    boolean ok = false;
    try {
      float[] out = v.predict(features);
      ok = true;
      return out;
    } finally {
      leave(v, stripe, start, ok);
    }
  }

  /** Ends a call: records its time if stats are on, then releases its lease. */
  private void leave(LoadedVersion v, int stripe, long start, boolean ok) {
    if (timed) {
      v.stats.end(stripe, start, ok);
    }
    v.leases.decrement(stripe);
  }

  /**
   * Takes a lease on the live version.
   *
   * <p>The handshake with the reaper: the reader increments the version's counter (a volatile
   * read-modify-write), then reads its retired flag; the swapper writes the new version into the slot and
   * then sets the old one's retired flag; the reaper closes a retired version only when its counter reads
   * zero. In the total order of these volatile accesses either the reaper's sum comes after the increment
   * (and sees it, so it waits), or the reader's flag read comes after the retire (and sees it, so the reader
   * backs off and reads the slot again, which by then holds a newer version). A reader therefore never
   * uses a closed version, and never waits: backing off happens at most once per swap it races with.
   */
  LoadedVersion enter(int stripe) {
    for (;;) {
      LoadedVersion v = live;
      if (v == null) {
        throw unavailable();
      }
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
    LoadedVersion v = enter(stripe);
    return retirement.track(new LeaseImpl(v, stripe, retirement));
  }

  // ------------------------------------------------------------------ accessors of the live version

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return current().version.value();
  }

  @Override
  public ModelSource source() {
    return current().source;
  }

  @Override
  public List<String> features() {
    return current().features;
  }

  @Override
  public Map<String, Double> metrics() {
    return current().metrics;
  }

  @Override
  public Optional<Manifest> manifest() {
    return Optional.ofNullable(current().manifest);
  }

  @Override
  public String toString() {
    LoadedVersion v = live;
    return "Model[" + name + " " + (v == null ? "not loaded" : v.version + " from " + v.source) + "]";
  }

  // ------------------------------------------------------------------ controller side

  @Nullable LoadedVersion live() {
    return live;
  }

  Retirement retirement() {
    return retirement;
  }

  /** Makes {@code next} live; returns the version it replaced. Called by the controller only. */
  @Nullable LoadedVersion swap(LoadedVersion next) {
    LoadedVersion previous = live;
    live = next;
    return previous;
  }

  /** Empties the slot for good; later calls throw {@link RegistryClosedException}. */
  @Nullable LoadedVersion closeSlot() {
    closed = true;
    LoadedVersion previous = live;
    live = null;
    return previous;
  }

  boolean isLoaded() {
    return live != null;
  }

  private LoadedVersion current() {
    LoadedVersion v = live;
    if (v == null) {
      throw unavailable();
    }
    return v;
  }

  private RuntimeException unavailable() {
    return closed
        ? new RegistryClosedException(name)
        : ModelNotFoundException.notLoaded(name, "no source has given a version yet");
  }
}
