package dev.modelregistry.internal;

import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.ModelStatus.Failure;
import dev.modelregistry.ModelStatus.PollResult;
import dev.modelregistry.Pointer;
import dev.modelregistry.PredictionStats;
import dev.modelregistry.RegistryClosedException;
import dev.modelregistry.StorageException;
import dev.modelregistry.VersionId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one model served. It reads the pointer (on {@link PollLoop}'s schedule, or when asked), turns pointer
 * and pin into a desired state ({@link Resolver}), has the {@link LoadPipeline} load what is not served yet,
 * and swaps the result into the serving slot ({@link ModelHandle}); the {@link Retirement} closes what the
 * swap replaced. Thread-safe.
 *
 * <p>Its bookkeeping is guarded by one lock that is held only to read or change fields: no store read, load,
 * event, listener, metric or log call runs under it, so nothing a listener does can deadlock with it. Reads
 * of the pointer run one at a time, and so do loads; each has the load timeout as its deadline.
 */
final class ModelController {

  private static final Logger log = LoggerFactory.getLogger(ModelController.class);

  final String name;
  final ModelHandle handle;
  private final ModelSpec spec;
  private final RegistryContext ctx;
  private final LoadPipeline pipeline;
  private final PollLoop pollLoop;
  private final Object lock = new Object();

  // Guarded by lock.
  private @Nullable String pointerTag;
  private @Nullable VersionId pointerVersion;
  private @Nullable Pointer pointer;
  private boolean pointerProblem;
  private boolean noPointerAtStart; // guarded by lock
  /** Whether, at the last start that found nothing, the local cache and the fallback had no version at all. */
  private boolean fallbacksHadNone; // guarded by lock
  private @Nullable VersionId pinned;
  private final RetryBackoff retry;
  private int pollFailures;
  private int consecutiveFailures;
  private PollResult lastPoll = PollResult.NEVER;
  private @Nullable Instant lastPollAt;
  private @Nullable Instant lastSuccessfulPollAt;
  private @Nullable Failure lastFailure;
  private CompletableFuture<?> reads = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> loads = CompletableFuture.completedFuture(null);
  private @Nullable VersionId loadingVersion;
  private Resolver.@Nullable Desired loadingState;
  private final Map<Stuck, Instant> stuck = new LinkedHashMap<>();
  private boolean closed;
  private volatile Runnable weightChanged = () -> {};

  ModelController(ModelSpec spec, RegistryContext ctx, LoadPipeline pipeline) {
    this.name = spec.name();
    this.spec = spec;
    this.ctx = ctx;
    this.pipeline = pipeline;
    this.handle = new ModelHandle(name, ctx.retirement(), ctx.shadows());
    this.pinned = spec.pinnedVersion() == null ? null : VersionId.of(spec.pinnedVersion());
    this.retry = new RetryBackoff(ctx.config().pollInterval(), ctx.config().maxBackoff());
    this.pollLoop = new PollLoop(name, ctx.scheduler(), ctx.config(), () -> poll(false).read(), this::pollFailures);
  }

  // ------------------------------------------------------------------ start

  /**
   * Loads the model from the first source that has it: the store, the cache's last good version, the
   * bundled fallback. Runs on the thread that builds the registry.
   *
   * @throws ModelNotFoundException if the model is required, the registry fails fast, and no source had it
   */
  void start() {
    try {
      startAsync(spec.required() && ctx.config().failFast()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ModelNotFoundException.noSource(name, List.of("interrupted while loading it"));
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause());
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Loads the model from the first source that has it (see {@link #start()}), on the loader executor.
   *
   * @param failIfNotFound whether the future fails with {@link ModelNotFoundException} when no source had it;
   *     else it completes normally, the model is not loaded, and polls retry
   */
  CompletableFuture<Void> startAsync(boolean failIfNotFound) {
    List<String> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger absent = new AtomicInteger();
    StoreReader store = ctx.store();
    CompletableFuture<@Nullable String> fromStore = store != null
        ? startFromStore(store)
        : CompletableFuture.completedFuture("none configured");
    return fromStore.thenCompose(storeFailure -> {
      if (storeFailure == null) {
        return CompletableFuture.completedFuture(null);
      }
      attempts.add(store != null ? "store " + store.store().description() + ": " + storeFailure : "store: none configured");
      String reason = attempts.get(0);
      return startFromCache(reason, attempts, absent)
          .thenCompose(done -> done ? CompletableFuture.completedFuture(true)
              : startFromBundle(reason, attempts, absent))
          .thenAccept(done -> {
            if (!done) {
              synchronized (lock) {
                fallbacksHadNone = absent.get() == 2;
              }
              notFound(attempts, failIfNotFound);
            }
          });
    });
  }

  private CompletableFuture<Boolean> startFromCache(String reason, List<String> attempts, AtomicInteger absent) {
    VersionId cachedVersion;
    synchronized (lock) {
      cachedVersion = pinned;
    }
    if (cachedVersion == null) {
      cachedVersion = ctx.cache().lastGood(name).orElse(null);
    }
    if (cachedVersion == null) {
      attempts.add("local cache " + ctx.cache().root() + ": no last good version recorded for " + name);
      absent.incrementAndGet();
      return CompletableFuture.completedFuture(false);
    }
    return fellBack(pipeline.fromCache(name, cachedVersion, () -> {}), ModelSource.CACHE, reason, attempts,
        "local cache " + ctx.cache().root(), absent);
  }

  private CompletableFuture<Boolean> startFromBundle(String reason, List<String> attempts, AtomicInteger absent) {
    StoreReader fallback = ctx.fallback();
    if (fallback == null) {
      attempts.add("bundled: no fallback configured");
      absent.incrementAndGet();
      return CompletableFuture.completedFuture(false);
    }
    return fellBack(pipeline.fromBundle(name, fallback, () -> {}), ModelSource.BUNDLED, reason, attempts,
        "bundled " + fallback.store().description(), absent);
  }

  /**
   * Swaps in what a fallback source loaded and reports it; or notes why it could not, counting in {@code
   * absent} a source that was read and has no version of the model at all.
   */
  private CompletableFuture<Boolean> fellBack(CompletableFuture<LoadedVersion> load, ModelSource source,
      String reason, List<String> attempts, String sourceName, AtomicInteger absent) {
    return load.handle((loaded, error) -> {
      if (loaded == null) {
        Throwable cause = unwrap(error);
        if (cause instanceof LoadPipeline.Absent) {
          absent.incrementAndGet();
        }
        attempts.add(sourceName + ": " + message(cause));
        return false;
      }
      swapIn(loaded);
      ctx.events().fellBack(name, source, loaded.version.value(), reason);
      return true;
    });
  }

  private void notFound(List<String> attempts, boolean fail) {
    ModelNotFoundException notFound = ModelNotFoundException.noSource(name, attempts);
    synchronized (lock) {
      lastFailure = new Failure(null, notFound.getMessage(), now());
    }
    if (fail) {
      throw notFound;
    }
    log.warn("{}; the registry starts without it and retries on every poll", notFound.getMessage());
  }

  /** Loads from the store; completes with null on success, else with what went wrong. */
  private CompletableFuture<@Nullable String> startFromStore(StoreReader store) {
    VersionId pin;
    synchronized (lock) {
      pin = pinned;
    }
    CompletableFuture<Object> target = pin != null
        ? CompletableFuture.completedFuture(pin)
        : ctx.tasks().submit("reading the pointer of model " + name, () -> store.readPointer(name, null), r -> {},
            () -> {}).thenApply(this::startingPointer);
    CompletableFuture<@Nullable String> result = new CompletableFuture<>();
    target.whenComplete((found, error) -> {
      if (error != null) {
        Throwable cause = unwrap(error);
        synchronized (lock) {
          consecutiveFailures++;
          lastFailure = new Failure(null, "store unavailable: " + message(cause), now());
        }
        log.warn("model {}: the store could not be read at start: {}", name, message(cause));
        result.complete(message(cause));
      } else if (found instanceof String problem) {
        result.complete(problem);
      } else {
        VersionId version = (VersionId) found;
        pipeline.fromStore(name, store, version, () -> {})
            .thenCompose(loaded -> {
              swapIn(loaded);
              Resolver.Desired desired;
              synchronized (lock) {
                desired = Resolver.resolve(pointer, pinned);
              }
              return desired != null && (desired.canary() != null || desired.shadow() != null)
                  ? loadIfNeeded(true).handle((x, e) -> null) // the rollout's other arms, now the stable serves
                  : CompletableFuture.completedFuture(null);
            })
            .whenComplete((x, loadError) -> {
              if (loadError == null) {
                result.complete(null);
                return;
              }
              Throwable cause = unwrap(loadError);
              synchronized (lock) {
                noteLoadFailure(version, cause);
              }
              ctx.events().loadFailed(name, version.value(), ModelSource.STORE, cause, null);
              result.complete(message(cause));
            });
      }
    });
    return result;
  }

  /** Records the pointer read at start; returns the version it names, or what is wrong with it. */
  private Object startingPointer(StoreReader.PointerRead read) {
    synchronized (lock) {
      lastSuccessfulPollAt = now();
      pointerTag = read.tag();
      if (read.pointer() == null) {
        pointerProblem = read.malformed() != null;
        noPointerAtStart = read.malformed() == null;
        StoreReader store = java.util.Objects.requireNonNull(ctx.store());
        String problem = read.malformed() != null
            ? read.malformed()
            : "no " + StorageFormat.POINTER + " at " + store.where(StorageFormat.pointerKey(name));
        lastFailure = new Failure(null, problem, now());
        return problem;
      }
      pointer = read.pointer();
      pointerVersion = pointer.version();
      return pointerVersion;
    }
  }

  // ------------------------------------------------------------------ for the set of discovered models

  /** Runs {@code action} (outside any lock) after each change of what the model weighs or whether it is pinned. */
  void onWeightChange(Runnable action) {
    this.weightChanged = action;
  }

  /** The sequence of the pointer last read, 0 when it had none, -1 when no pointer was read. */
  long pointerSequence() {
    synchronized (lock) {
      return pointer == null ? -1 : pointer.sequence();
    }
  }

  /** Whether the last poll or load failed, or nothing is loaded: the change feed polls such a model anyway. */
  boolean needsPoll() {
    synchronized (lock) {
      return pointerProblem || lastPoll == PollResult.FAILED || consecutiveFailures > 0 || !handle.isLoaded();
    }
  }

  /**
   * Whether the first load found no pointer in the store (not a store that failed, nor a pointer that was
   * not valid), or there is no store: a name no source has, if the other sources had nothing either.
   */
  boolean noSourceHadIt() {
    synchronized (lock) {
      return (ctx.store() == null || noPointerAtStart) && fallbacksHadNone;
    }
  }

  boolean isPinned() {
    synchronized (lock) {
      return pinned != null;
    }
  }

  /** What the versions served now weigh, in bytes. */
  long weightBytes() {
    Routing routing = handle.current();
    long bytes = 0;
    if (routing != null) {
      for (LoadedVersion v : routing.versions()) {
        bytes += v.weightBytes;
      }
    }
    return bytes;
  }

  // ------------------------------------------------------------------ polling

  /** Starts polling in the background, if the registry polls. */
  void startPolling() {
    if (ctx.store() != null && ctx.config().polling()) {
      pollLoop.start();
    }
  }

  /**
   * The futures of one poll.
   *
   * @param read completes when the pointer was read (or the read failed)
   * @param load completes when the load the poll started (or one already running) has ended
   */
  record Poll(CompletableFuture<Void> read, CompletableFuture<Void> load) {}

  /**
   * Reads the pointer (conditionally) and starts loading what it names if that is needed. Reads run one at a
   * time, after the one before; neither the read nor the load runs on the calling thread, unless the loader
   * executor is a direct one.
   *
   * @param force whether to retry a failed version now rather than after its backoff
   */
  Poll poll(boolean force) {
    StoreReader store = ctx.store();
    CompletableFuture<PointerOutcome> read = new CompletableFuture<>();
    CompletableFuture<?> before;
    synchronized (lock) {
      if (closed || store == null) {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        return new Poll(done, loads);
      }
      before = reads;
      reads = read;
    }
    before.handle((x, e) -> null).thenCompose(x -> readPointer(store)).whenComplete((outcome, e) -> read.complete(outcome));
    CompletableFuture<Void> load = read.thenCompose(outcome -> afterRead(outcome, force));
    return new Poll(read.thenApply(x -> null), load);
  }

  /** A pointer read: what the store answered, or how it failed. */
  private record PointerOutcome(StoreReader.@Nullable PointerRead read, @Nullable Throwable failure, long tookNanos) {}

  private CompletableFuture<PointerOutcome> readPointer(StoreReader store) {
    String tag;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(new PointerOutcome(null, null, 0));
      }
      tag = pointerTag;
    }
    long start = ctx.ticker().read();
    Instant startedAt = now();
    Stuck mark = new Stuck();
    return ctx.tasks()
        .submit("reading the pointer of model " + name, () -> store.readPointer(name, tag), r -> {}, () -> unstick(mark))
        .handle((read, error) -> {
          Throwable failure = unwrap(error);
          if (failure instanceof TimedTasks.DeadlineExceeded) {
            markStuck(mark, startedAt);
          }
          return new PointerOutcome(read, failure, ctx.ticker().read() - start);
        });
  }

  /** Records what a read found, starts the load it calls for, and reports the poll. */
  private CompletableFuture<Void> afterRead(PointerOutcome outcome, boolean force) {
    PollResult result;
    Throwable failure = outcome.failure();
    synchronized (lock) {
      if (closed || (outcome.read() == null && failure == null)) {
        return loads;
      }
      if (outcome.read() == null) {
        result = PollResult.FAILED;
        pollFailures++;
        consecutiveFailures++;
        lastFailure = new Failure(null, "poll failed: " + message(failure), now());
      } else {
        result = apply(outcome.read());
        if (result == PollResult.FAILED && lastFailure != null) {
          failure = new StorageException(lastFailure.message(), name, null);
        }
      }
      lastPoll = result;
      lastPollAt = now();
    }
    ctx.events().polled(name, result, Duration.ofNanos(outcome.tookNanos()), failure);
    return loadIfNeeded(force);
  }

  /** Updates the pointer state from a read the store answered. Called with the lock held. */
  private PollResult apply(StoreReader.PointerRead read) {
    lastSuccessfulPollAt = now();
    pollFailures = 0;
    PollResult result;
    switch (read.status()) {
      case NOT_MODIFIED:
        result = pointerProblem ? PollResult.FAILED : PollResult.UNCHANGED;
        break;
      case MISSING:
        pointer = null;
        if (pointerVersion != null) {
          LoadedVersion live = handle.live();
          String problem = "the store has no " + StorageFormat.POINTER + " for " + name + " any more"
              + (live == null ? "" : "; " + live.version + " keeps serving");
          lastFailure = new Failure(null, problem, now());
        }
        pointerTag = null;
        pointerVersion = null;
        pointerProblem = true;
        result = PollResult.NO_POINTER;
        break;
      default:
        pointerTag = read.tag();
        pointerProblem = read.pointer() == null;
        if (pointerProblem) {
          pointerVersion = null;
          pointer = null;
          consecutiveFailures++;
          lastFailure = new Failure(null, String.valueOf(read.malformed()), now());
          return PollResult.FAILED;
        }
        Pointer named = read.pointer();
        result = named.version().equals(pointerVersion) && sameRollout(named, pointer)
            ? PollResult.UNCHANGED : PollResult.CHANGED;
        pointer = named;
        pointerVersion = named.version();
    }
    if (!pointerProblem) {
      if (lastFailure != null && lastFailure.version() == null) {
        lastFailure = null; // the store answers again
      }
      if (retry.failedVersion() == null) {
        consecutiveFailures = 0;
      }
    }
    return result;
  }

  private int pollFailures() {
    synchronized (lock) {
      return pollFailures;
    }
  }

  // ------------------------------------------------------------------ loading

  /**
   * Starts a load of the desired version, unless it is served, loading, or backing off; loads run one after
   * the other. Must not be called with the lock held: the load may run on this thread.
   *
   * @return completes when that load (or the last one started) has ended
   */
  private CompletableFuture<Void> loadIfNeeded(boolean force) {
    Resolver.Desired target;
    CompletableFuture<Void> previous;
    CompletableFuture<Void> mine = new CompletableFuture<>();
    synchronized (lock) {
      Resolver.Desired desired = Resolver.resolve(pointer, pinned);
      if (closed || desired == null) {
        return loads;
      }
      if (desired.isServedBy(handle.current())) {
        if (desired.versions().contains(retry.failedVersion())) {
          clearFailure();
        }
        return loads;
      }
      if (desired.equals(loadingState) || (!force && backingOff(desired))) {
        return loads;
      }
      loadingState = desired;
      loadingVersion = desired.stable();
      previous = loads;
      loads = mine;
      target = desired;
    }
    previous.handle((x, e) -> null)
        .thenCompose(x -> runLoad(target))
        .whenComplete((x, e) -> mine.complete(null));
    return mine;
  }

  /**
   * Whether every version this state needs and the routing lacks failed and is not due again: then a load
   * now could change nothing. (A percent change needs no version and is never held back.)
   */
  private boolean backingOff(Resolver.Desired desired) {
    long now = ctx.ticker().read();
    Routing routing = handle.current();
    boolean missing = false;
    for (VersionId version : desired.versions()) {
      if (loadedFromStore(routing, version) == null) {
        missing = true;
        if (!retry.backingOff(version, now)) {
          return false;
        }
      }
    }
    return missing;
  }

  /** Loads what {@code desired} names and the routing lacks, then swaps in the new snapshot. */
  private CompletableFuture<Void> runLoad(Resolver.Desired desired) {
    StoreReader store = ctx.store();
    synchronized (lock) {
      if (closed || store == null || !desired.equals(Resolver.resolve(pointer, pinned))) {
        if (desired.equals(loadingState)) {
          loadingState = null;
          loadingVersion = null;
        }
        return CompletableFuture.completedFuture(null);
      }
    }
    Routing current = handle.current();
    List<VersionId> versions = desired.versions();
    Map<VersionId, LoadedVersion> loaded = new LinkedHashMap<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (VersionId version : versions) {
      LoadedVersion reuse = loadedFromStore(current, version);
      if (reuse != null) {
        loaded.put(version, reuse);
        continue;
      }
      chain = chain.thenCompose(x -> loadOne(store, version, version.equals(desired.stable()) || loaded.containsKey(desired.stable()))
          .thenAccept(v -> {
            if (v != null) {
              synchronized (loaded) {
                loaded.put(version, v);
              }
            }
          }));
    }
    return chain.handle((x, e) -> {
      try {
        finishLoad(desired, current, loaded);
      } finally {
        synchronized (lock) {
          if (desired.equals(loadingState)) {
            loadingState = null;
            loadingVersion = null;
          }
        }
      }
      return null;
    });
  }

  /**
   * Loads one version; reports a failure and completes with null. Once the stable version has failed, the
   * other arms are not loaded (nothing will change).
   */
  private CompletableFuture<@Nullable LoadedVersion> loadOne(StoreReader store, VersionId version, boolean worthIt) {
    if (!worthIt) {
      return CompletableFuture.completedFuture(null);
    }
    Instant startedAt = now();
    Stuck mark = new Stuck();
    synchronized (lock) {
      loadingVersion = version;
    }
    return pipeline.fromStore(name, store, version, () -> unstick(mark))
        .handle((v, error) -> {
          if (v != null) {
            return v;
          }
          Throwable cause = error != null ? unwrap(error) : new IllegalStateException("the load returned nothing");
          String serving;
          synchronized (lock) {
            noteLoadFailure(version, cause);
            LoadedVersion live = handle.live();
            serving = live == null ? null : live.version.value();
          }
          if (cause instanceof TimedTasks.DeadlineExceeded) {
            markStuck(mark, startedAt);
          }
          ctx.events().loadFailed(name, version.value(), ModelSource.STORE, cause, serving);
          return null;
        });
  }

  /**
   * Builds and swaps in the snapshot of {@code desired} from what loaded: without the stable version nothing
   * changes (and what loaded for the other arms is closed); an arm whose version failed is left out.
   */
  private void finishLoad(Resolver.Desired desired, @Nullable Routing current, Map<VersionId, LoadedVersion> loaded) {
    LoadedVersion stable = loaded.get(desired.stable());
    if (stable == null) {
      for (LoadedVersion v : loaded.values()) {
        if (current == null || !current.names(v)) {
          v.closeOnce(); // never served
        }
      }
      return;
    }
    Routing.CanaryArm canary = null;
    Pointer.Canary c = desired.canary();
    if (c != null && loaded.get(c.version()) != null) {
      Routing.CanaryArm old = current == null ? null : current.canary();
      String group = Resolver.group(c, name);
      Buckets.Prefix prefix = old != null && old.prefix().group.equals(group) ? old.prefix() : Buckets.Prefix.of(group, 0);
      canary = new Routing.CanaryArm(loaded.get(c.version()), c.percent(), prefix);
    }
    Routing.ShadowArm shadow = null;
    Pointer.Shadow sh = desired.shadow();
    if (sh != null && loaded.get(sh.version()) != null) {
      LoadedVersion shadowVersion = loaded.get(sh.version());
      Routing.ShadowArm old = current == null ? null : current.shadow();
      ShadowStats stats = old != null && old.version() == shadowVersion && current.stable() == stable
          ? old.stats()
          : new ShadowStats(name, stable.version.value(), shadowVersion.version.value());
      shadow = new Routing.ShadowArm(shadowVersion, sh.sample(), stats);
    }
    // every arm asked for loaded: the failure that kept one out is over, and is cleared with the swap, so
    // that no reader sees the new version served beside the failure that held it back
    boolean complete = (c == null || canary != null) && (sh == null || shadow != null);
    if (swapIn(new Routing(stable, canary, shadow), complete)) {
      prune();
    }
  }

  private static @Nullable LoadedVersion loadedFromStore(@Nullable Routing routing, VersionId version) {
    if (routing == null) {
      return null;
    }
    for (LoadedVersion v : routing.versions()) {
      if (v.version.equals(version) && v.source == ModelSource.STORE) {
        return v;
      }
    }
    return null;
  }

  private static boolean sameRollout(Pointer a, @Nullable Pointer b) {
    return b != null && java.util.Objects.equals(a.canary(), b.canary()) && java.util.Objects.equals(a.shadow(), b.shadow());
  }

  // ------------------------------------------------------------------ swap

  /**
   * Makes {@code next} live with one volatile write and retires what it replaces; closes {@code next} instead
   * if the model was closed meanwhile.
   *
   * @return whether it was swapped in
   */
  private boolean swapIn(LoadedVersion next) {
    return swapIn(new Routing(next), false);
  }

  /**
   * Makes {@code next} what is served with one volatile write, and retires the versions of the snapshot it
   * replaces that it no longer names; closes the new versions instead if the model was closed meanwhile.
   * With {@code clearFailure}, the last failure and the retry backoff are cleared in the same critical
   * section as the swap: {@link #status()} never shows the new snapshot beside the failure it ends.
   *
   * @return whether it was swapped in
   */
  private boolean swapIn(Routing next, boolean clearFailure) {
    Routing previous = null;
    boolean swapped = false;
    synchronized (lock) {
      if (!closed) {
        previous = handle.swap(next);
        swapped = true;
        if (clearFailure) {
          clearFailure();
        }
      }
    }
    if (!swapped) {
      for (LoadedVersion v : next.versions()) {
        v.closeOnce(); // never served: no call can be in flight on it
      }
      return false;
    }
    LoadedVersion stable = next.stable();
    if (previous == null || previous.stable() != stable) {
      ctx.events().swapped(name, previous == null ? null : previous.stable().version.value(), stable.version.value(),
          stable.source);
    }
    ModelStatus.Rollout before = rollout(previous);
    ModelStatus.Rollout after = rollout(next);
    if (!sameArms(before, after)) {
      ctx.events().rolloutChanged(name, after);
    }
    if (previous != null) {
      Routing.ShadowArm oldShadow = previous.shadow();
      Routing.ShadowArm newShadow = next.shadow();
      if (oldShadow != null && (newShadow == null || newShadow.stats() != oldShadow.stats())) {
        ctx.events().shadowCompared(name, oldShadow.stats().snapshot());
      }
      for (LoadedVersion old : previous.versions()) {
        if (!next.names(old)) {
          ctx.retirement().retire(old);
        }
      }
    }
    if (stable.source == ModelSource.STORE) {
      ctx.cache().recordLastGood(name, stable.version);
    }
    weightChanged.run();
    return true;
  }

  private static boolean sameArms(ModelStatus.Rollout a, ModelStatus.Rollout b) {
    return java.util.Objects.equals(a.canaryVersion(), b.canaryVersion()) && a.canaryPercent() == b.canaryPercent()
        && java.util.Objects.equals(a.shadowVersion(), b.shadowVersion()) && a.shadowSample() == b.shadowSample();
  }

  /** The rollout a snapshot serves, with the shadow's comparison so far. */
  static ModelStatus.Rollout rollout(@Nullable Routing routing) {
    if (routing == null || (routing.canary() == null && routing.shadow() == null)) {
      return ModelStatus.Rollout.NONE;
    }
    Routing.CanaryArm c = routing.canary();
    Routing.ShadowArm s = routing.shadow();
    return new ModelStatus.Rollout(
        c == null ? null : c.version().version.value(), c == null ? 0 : c.percent(),
        s == null ? null : s.version().version.value(), s == null ? 0 : s.sample(),
        s == null ? null : s.stats().snapshot());
  }

  private void prune() {
    Set<VersionId> inUse = new HashSet<>(ctx.retirement().openVersions(name));
    Routing routing = handle.current();
    if (routing != null) {
      for (LoadedVersion v : routing.versions()) {
        inUse.add(v.version);
      }
    }
    synchronized (lock) {
      if (pinned != null) {
        inUse.add(pinned);
      }
    }
    ctx.cache().prune(name, ctx.config().cacheRetention(), inUse);
  }

  // ------------------------------------------------------------------ pin, status, close

  /** Pins a version and waits until it is live; restores the previous pin if it cannot be loaded. */
  ModelStatus pin(VersionId version) {
    VersionId before;
    synchronized (lock) {
      if (closed) {
        throw new RegistryClosedException(name);
      }
      before = pinned;
      pinned = version;
    }
    awaitQuietly(loadIfNeeded(true));
    String why;
    synchronized (lock) {
      LoadedVersion live = handle.live();
      if (live != null && live.version.equals(version)) {
        why = null;
      } else {
        pinned = before;
        why = lastFailure != null && version.value().equals(lastFailure.version())
            ? lastFailure.message()
            : "the store does not have it and the local cache has no copy";
      }
    }
    if (why != null) {
      throw new ModelLoadException(name, version.value(), "could not be pinned: " + why);
    }
    log.info("model {}: pinned to {}; the store's pointer is ignored until unpinned", name, version);
    weightChanged.run();
    return status();
  }

  /** Follows the pointer again and polls now. */
  ModelStatus unpin() {
    synchronized (lock) {
      if (closed) {
        throw new RegistryClosedException(name);
      }
      pinned = null;
    }
    log.info("model {}: unpinned; following the store's pointer again", name);
    weightChanged.run();
    awaitQuietly(poll(true).load());
    return status();
  }

  /** The version the pointer names as the roll-back target, if known. */
  @Nullable VersionId previousVersion() {
    synchronized (lock) {
      return pointer == null ? null : pointer.previous();
    }
  }

  /** Stats of the live version first, then of retired versions not closed yet. */
  List<PredictionStats> predictionStats() {
    List<PredictionStats> stats = new ArrayList<>();
    LoadedVersion live = handle.live();
    if (live != null) {
      stats.add(live.stats);
    }
    stats.addAll(ctx.retirement().statsOf(name));
    return stats;
  }

  /** A snapshot of the model's state; never waits for a read, a load or a listener. */
  ModelStatus status() {
    synchronized (lock) {
      LoadedVersion live = handle.live();
      return new ModelStatus(
          name,
          spec.required(),
          live == null ? null : live.version.value(),
          live == null ? null : live.source,
          live == null ? null : live.loadedAt,
          pinned == null ? null : pinned.value(),
          pointerVersion == null ? null : pointerVersion.value(),
          lastPoll,
          lastPollAt,
          lastSuccessfulPollAt,
          consecutiveFailures,
          lastFailure,
          ctx.retirement().waitingFor(name),
          live == null ? 0 : Math.max(0, live.leases.sum()),
          loadingVersion == null ? null : loadingVersion.value(),
          stuck.isEmpty() ? null : stuck.values().iterator().next(),
          rollout(handle.current()));
    }
  }

  /** Stops polling and retires the live version; returns the loads still running, to wait for. */
  CompletableFuture<Void> close() {
    Routing live;
    CompletableFuture<Void> running;
    synchronized (lock) {
      if (closed) {
        return loads;
      }
      closed = true;
      live = handle.closeSlot();
      running = loads;
    }
    pollLoop.stop();
    if (live != null) {
      for (LoadedVersion v : live.versions()) {
        ctx.retirement().retire(v);
      }
    }
    return running;
  }

  // ------------------------------------------------------------------ helpers

  /** A read or load that ran past its deadline and whose thread has not finished yet. */
  private static final class Stuck {
    boolean finished; // guarded by the controller's lock
  }

  private void markStuck(Stuck mark, Instant since) {
    synchronized (lock) {
      if (!mark.finished) {
        stuck.put(mark, since);
      }
    }
    log.warn("model {}: a read or load started at {} ran past the load timeout of {} ms and did not stop when"
        + " interrupted; the registry goes on without it", name, since, ctx.config().loadTimeout().toMillis());
  }

  private void unstick(Stuck mark) {
    synchronized (lock) {
      mark.finished = true;
      stuck.remove(mark);
    }
  }

  /** Called with the lock held. */
  private void noteLoadFailure(VersionId version, Throwable e) {
    retry.failed(version, ctx.ticker().read());
    consecutiveFailures++;
    lastFailure = new Failure(version.value(), message(e), now());
  }

  /** Called with the lock held. */
  private void clearFailure() {
    retry.clear();
    consecutiveFailures = 0;
    lastFailure = null;
  }

  private Instant now() {
    return Instant.now(ctx.config().clock());
  }

  /** The value of a future that the task runner completes by its deadline; rethrows its failure. */
  private static <T> T await(CompletableFuture<T> future) throws Throwable {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** Waits for a future that the task runner completes by its deadline, ignoring its failure. */
  static void awaitQuietly(CompletableFuture<?> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.debug("load ended with {}", e.getCause().toString());
    }
  }

  /** The failure inside the completion wrappers of a future's failure. */
  static Throwable unwrapped(Throwable error) {
    Throwable e = unwrap(error);
    return e == null ? error : e;
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  static String message(@Nullable Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return e instanceof Error ? e.getClass().getSimpleName() + ": " + text : text;
  }
}
