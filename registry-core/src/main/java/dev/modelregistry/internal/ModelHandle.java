package dev.modelregistry.internal;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.Arm;
import dev.modelregistry.Lease;
import dev.modelregistry.Manifest;
import dev.modelregistry.Model;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelSource;
import dev.modelregistry.RegistryClosedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The serving slot of one model: it holds one immutable {@link Routing} snapshot, and is the read path.
 * Thread-safe and lock-free; calls fall forward to whatever version is live when they start.
 */
final class ModelHandle implements Model {

  private final String name;
  private final Retirement retirement;
  private final ShadowRunner shadows;

  /** What is served; written by the controller with one volatile write per change, null until loaded. */
  private volatile @Nullable Routing routing;

  private volatile boolean closed;

  /**
   * For a discovered model: the handle serving it now, loading it again if it was evicted. A handle kept by a
   * caller thus outlives the eviction of its model. Null for declared models.
   */
  private volatile @Nullable Function<String, ModelHandle> successor;

  ModelHandle(String name, Retirement retirement, ShadowRunner shadows) {
    this.name = name;
    this.retirement = retirement;
    this.shadows = shadows;
  }

  // ------------------------------------------------------------------ read path

  @Override
  public float[] predict(float[] features) {
    return predict(features, null);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return predict(rows, null);
  }

  @Override
  public float[] predict(Map<String, ? extends Number> features) {
    return predict(features, null);
  }

  /** One row, routed by {@code unit} when given (sticky), else by a random draw. */
  float[] predict(float[] features, @Nullable String unit) {
    int stripe = LeaseCounter.stripe();
    Routing r = routing();
    LoadedVersion v = enter(r, stripe, unit);
    InputSampler sampler = v.sampler;
    if (sampler != null && sampler.tick(stripe)) {
      sampler.sample(features);
    }
    return run(r, v, stripe, features, Call.ROW);
  }

  float[][] predict(float[][] rows, @Nullable String unit) {
    int stripe = LeaseCounter.stripe();
    Routing r = routing();
    LoadedVersion v = enter(r, stripe, unit);
    InputSampler sampler = v.sampler;
    if (sampler != null && rows.length > 0 && sampler.tick(stripe)) {
      sampler.sample(rows[java.util.concurrent.ThreadLocalRandom.current().nextInt(rows.length)]);
    }
    return run(r, v, stripe, rows, Call.BATCH);
  }

  float[] predict(Map<String, ? extends Number> features, @Nullable String unit) {
    int stripe = LeaseCounter.stripe();
    Routing r = routing();
    LoadedVersion v = enter(r, stripe, unit);
    InputSampler sampler = v.sampler;
    if (sampler != null && sampler.tick(stripe)) {
      try {
        sampler.sample(v.toRow(features));
      } catch (IllegalArgumentException e) {
        // the call below reports the bad input to the caller
      }
    }
    return run(r, v, stripe, features, Call.NAMED);
  }

  /**
   * Runs a call on the version it entered and releases it; when the snapshot's shadow samples this call, hands
   * a copy of the input and the answer to the shadow afterwards.
   */
  private <I, O> O run(Routing r, LoadedVersion v, int stripe, I input, Call<I, O> call) {
    Routing.ShadowArm shadow = r.shadow();
    if (shadow == null || !shadow.sampled()) {
      try {
        return Call.counted(v, stripe, input, call);
      } finally {
        v.leases.decrement(stripe);
      }
    }
    long start = System.nanoTime();
    O out;
    try {
      out = Call.counted(v, stripe, input, call);
    } finally {
      v.leases.decrement(stripe);
    }
    offerShadow(shadow, stripe, Call.copy(input), out, System.nanoTime() - start);
    return out;
  }

  /**
   * Enters the version that serves this call: the canary for a unit whose bucket is under its percent (or,
   * without a unit, for its share of random draws), else the stable version.
   *
   * <p>The handshake with the reaper: the reader increments the version's counter (a volatile
   * read-modify-write), then reads its retired flag; the swapper writes the new snapshot into the slot and
   * then sets the retired flag of each version the new snapshot no longer names; the reaper closes a retired
   * version only when its counter reads zero. In the total order of these volatile accesses either the
   * reaper's sum comes after the increment (and sees it, so it waits), or the reader's flag read comes after
   * the retire (and sees it, so the reader backs off and reads the slot again, which by then holds a newer
   * snapshot). A reader therefore never uses a closed version, and never waits: backing off happens at most
   * once per swap it races with.
   */
  private LoadedVersion enter(Routing first, int stripe, @Nullable String unit) {
    Routing r = first;
    for (;;) {
      LoadedVersion v = choose(r, unit);
      v.leases.increment(stripe);
      if (!v.isRetired()) {
        return v;
      }
      v.leases.decrement(stripe);
      r = routing();
    }
  }

  /** Enters the stable version for one call (used by the swap benchmarks' drivers). */
  LoadedVersion enter(int stripe) {
    return enter(routing(), stripe, null);
  }

  private static LoadedVersion choose(Routing r, @Nullable String unit) {
    Routing.CanaryArm canary = r.canary();
    if (canary == null) {
      return r.stable();
    }
    if (unit == null) {
      return r.pick();
    }
    return canary.takes(unit) ? canary.version() : r.stable();
  }

  @Override
  public Lease lease() {
    return lease(null);
  }

  Lease lease(@Nullable String unit) {
    int stripe = LeaseCounter.stripe();
    Retirement ret = retirement;
    for (;;) {
      Routing r = routing();
      LoadedVersion v = choose(r, unit);
      v.leases.openLease(stripe, ret.coarseNow());
      if (!v.isRetired()) {
        Arm arm = v == r.stable() ? Arm.STABLE : Arm.CANARY;
        return ret.captureStacks()
            ? ret.track(new TrackedLease(v, stripe, arm, ret, ret.ticker().read()))
            : new LeaseImpl(v, stripe, arm);
      }
      v.leases.closeLease(stripe);
    }
  }

  @Override
  public Model forUnit(String unitId) {
    return new UnitView(this, requireNonNull(unitId, "unitId"));
  }

  // ------------------------------------------------------------------ shadow

  /** Hands a copy of the call to the shadow, holding a lease on it until the shadow call ends. */
  private void offerShadow(Routing.ShadowArm shadow, int stripe, Object input, Object primary, long primaryNanos) {
    LoadedVersion sv = shadow.version();
    sv.leases.openLease(stripe, retirement.coarseNow());
    if (sv.isRetired()) {
      sv.leases.closeLease(stripe);
      return;
    }
    if (!shadows.offer(new ShadowCall(shadows, shadow, stripe, input, primary, primaryNanos))) {
      sv.leases.closeLease(stripe);
      shadow.stats().dropped();
    }
  }

  // ------------------------------------------------------------------ accessors of the live version

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return routing().stable().version.value();
  }

  @Override
  public ModelSource source() {
    return routing().stable().source;
  }

  @Override
  public List<String> features() {
    return routing().stable().features;
  }

  @Override
  public Map<String, Double> metrics() {
    return routing().stable().metrics;
  }

  @Override
  public Optional<Manifest> manifest() {
    return Optional.ofNullable(routing().stable().manifest);
  }

  @Override
  public String toString() {
    Routing r = routing;
    return "Model[" + name + " " + (r == null ? "not loaded" : r.stable().version + " from " + r.stable().source) + "]";
  }

  // ------------------------------------------------------------------ controller side

  /** The routing snapshot; throws if nothing is loaded. */
  private Routing routing() {
    Routing r = routing;
    if (r == null) {
      return successorRouting();
    }
    return r;
  }

  /** How many times a call on an evicted handle loads the model again before it gives up. */
  private static final int REVIVALS = 64;

  /**
   * The routing of the handle that serves this evicted model now. A model loaded again may be evicted again at
   * once when the bound is tight (W-TinyLFU admits a newcomer only once it is asked for more often than what it
   * would evict, and every ask counts), so this tries again, up to {@value #REVIVALS} times (four threads
   * reading 24 models through a bound of 4 were seen, rarely, to fail eight tries in a row). If they all fail,
   * the bound is too tight for the models in use, and the call says so.
   */
  private Routing successorRouting() {
    Function<String, ModelHandle> next = successor;
    if (next == null || !closed) {
      throw unavailable();
    }
    for (int i = 0; i < REVIVALS; i++) {
      ModelHandle handle = next.apply(name);
      Routing r = handle.routing;
      if (r != null) {
        return r;
      }
    }
    throw ModelNotFoundException.evictedOnLoad(name, REVIVALS);
  }

  /** Whether calls on this handle go on to a successor, its model having been evicted. */
  boolean followsEviction() {
    return closed && successor != null;
  }

  /** Makes calls on this handle, once its model is evicted, go to the handle {@code successor} gives. */
  void followEviction(Function<String, ModelHandle> successor) {
    this.successor = successor;
  }

  /** The stable version, or null when nothing is loaded. */
  @Nullable LoadedVersion live() {
    Routing r = routing;
    return r == null ? null : r.stable();
  }

  Retirement retirement() {
    return retirement;
  }

  @Nullable Routing current() {
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
