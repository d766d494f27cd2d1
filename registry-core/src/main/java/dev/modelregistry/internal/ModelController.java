package dev.modelregistry.internal;

import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.ModelStatus.Failure;
import dev.modelregistry.ModelStatus.PollResult;
import dev.modelregistry.PredictionStats;
import dev.modelregistry.StorageException;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one model served: loads it at start from the first source that has it, polls the store's pointer,
 * loads new versions on the loader executor and swaps them into the {@link ModelHandle}. Its state is
 * guarded by its monitor, which the read path never touches; loads run outside it, one at a time per model.
 */
final class ModelController {

  private static final Logger log = LoggerFactory.getLogger(ModelController.class);

  final String name;
  final ModelHandle handle;
  private final ModelSpec spec;
  private final RegistryContext ctx;
  private final Object pollLock = new Object();

  // Guarded by this.
  private @Nullable String pointerTag;
  private @Nullable VersionId pointerVersion;
  private boolean pointerProblem;
  private @Nullable VersionId pinned;
  private @Nullable VersionId failedVersion;
  private int failedAttempts;
  private long retryAtNanos;
  private int pollFailures;
  private int consecutiveFailures;
  private PollResult lastPoll = PollResult.NEVER;
  private @Nullable Instant lastPollAt;
  private @Nullable Instant lastSuccessfulPollAt;
  private @Nullable Failure lastFailure;
  private CompletableFuture<Void> loads = CompletableFuture.completedFuture(null);
  private @Nullable VersionId loadingVersion;
  private @Nullable ScheduledFuture<?> nextPoll;
  private boolean closed;

  ModelController(ModelSpec spec, RegistryContext ctx) {
    this.name = spec.name();
    this.spec = spec;
    this.ctx = ctx;
    this.handle = new ModelHandle(name, ctx.retirement(), ctx.config().recordPredictionStats());
    this.pinned = spec.pinnedVersion() == null ? null : VersionId.of(spec.pinnedVersion());
  }

  // ------------------------------------------------------------------ start

  /**
   * Loads the model from the first source that has it: the store, the cache's last good version, the
   * bundled fallback.
   *
   * @throws ModelNotFoundException if the model is required and no source had it
   */
  synchronized void start() {
    List<String> attempts = new ArrayList<>();
    StoreReader store = ctx.store();
    if (store != null) {
      String storeFailure = startFromStore(store);
      if (storeFailure == null) {
        return;
      }
      attempts.add("store " + store.store().description() + ": " + storeFailure);
    } else {
      attempts.add("store: none configured");
    }
    String reason = attempts.get(0);

    VersionId cachedVersion = pinned != null ? pinned : ctx.cache().lastGood(name).orElse(null);
    if (cachedVersion == null) {
      attempts.add("local cache " + ctx.cache().root() + ": no last good version recorded for " + name);
    } else {
      try {
        Optional<LocalCache.CachedVersion> cached =
            ctx.cache().cached(name, cachedVersion, LocalCache.Namespace.STORE, ctx.config().requireManifest());
        if (cached.isPresent()) {
          LoadedVersion loaded = load(cached.get(), ModelSource.CACHE, System.nanoTime());
          swapIn(loaded);
          ctx.events().fellBack(name, ModelSource.CACHE, loaded.version.value(), reason);
          return;
        }
        attempts.add("local cache " + ctx.cache().root() + ": no intact copy of " + cachedVersion);
      } catch (IOException | RuntimeException e) {
        attempts.add("local cache " + ctx.cache().root() + ": " + message(e));
      }
    }

    StoreReader fallback = ctx.fallback();
    if (fallback == null) {
      attempts.add("bundled: no fallback configured");
    } else {
      try {
        LoadedVersion loaded = loadBundled(fallback);
        swapIn(loaded);
        ctx.events().fellBack(name, ModelSource.BUNDLED, loaded.version.value(), reason);
        return;
      } catch (IOException | RuntimeException e) {
        attempts.add("bundled " + fallback.store().description() + ": " + message(e));
      }
    }

    ModelNotFoundException notFound = ModelNotFoundException.noSource(name, attempts);
    lastFailure = new Failure(null, notFound.getMessage(), now());
    if (spec.required() && ctx.config().failFast()) {
      throw notFound;
    }
    log.warn("{}; the registry starts without it and retries on every poll", notFound.getMessage());
  }

  /** Loads from the store; returns null on success, else what went wrong. */
  private @Nullable String startFromStore(StoreReader store) {
    VersionId target = pinned;
    try {
      if (target == null) {
        StoreReader.PointerRead read = store.readPointer(name, null);
        lastSuccessfulPollAt = now();
        if (read.pointer() == null) {
          pointerTag = read.tag();
          pointerProblem = read.malformed() != null;
          String problem = read.malformed() != null
              ? read.malformed()
              : "no " + StorageFormat.POINTER + " at " + store.where(StorageFormat.pointerKey(name));
          lastFailure = new Failure(null, problem, now());
          return problem;
        }
        pointerTag = read.tag();
        pointerVersion = read.pointer().version();
        target = pointerVersion;
      }
      swapIn(fetchAndLoad(store, target));
      return null;
    } catch (IOException | RuntimeException e) {
      if (target != null) {
        noteLoadFailure(target, e);
        ctx.events().loadFailed(name, target.value(), ModelSource.STORE, e, null);
      } else {
        consecutiveFailures++;
        lastFailure = new Failure(null, "store unavailable: " + message(e), now());
        log.warn("model {}: the store could not be read at start: {}", name, message(e));
      }
      return message(e);
    }
  }

  private LoadedVersion loadBundled(StoreReader fallback) throws IOException {
    long start = System.nanoTime();
    StoreReader.PointerRead read = fallback.readPointer(name, null);
    if (read.malformed() != null) {
      throw new StorageException(read.malformed(), name, null);
    }
    VersionId version = read.pointer() != null ? read.pointer().version() : newestUsable(fallback);
    LocalCache.CachedVersion cached = ctx.cache().fetch(
        fallback, name, version, LocalCache.Namespace.BUNDLED, ctx.config().requireManifest());
    return load(cached, ModelSource.BUNDLED, start);
  }

  private VersionId newestUsable(StoreReader reader) throws IOException {
    List<VersionId> versions = reader.versions(name);
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (reader.describe(name, versions.get(i)).state() != VersionInfo.State.INCOMPLETE) {
        return versions.get(i);
      }
    }
    throw new StorageException(
        "no " + StorageFormat.POINTER + " and no version folder under " + reader.where(name) + "/", name, null);
  }

  // ------------------------------------------------------------------ polling

  /** Schedules the first poll, one jittered interval from now. */
  synchronized void startPolling() {
    if (!closed && ctx.store() != null && ctx.config().polling()) {
      schedulePoll(nextDelayNanos());
    }
  }

  private void schedulePoll(long delayNanos) {
    try {
      nextPoll = ctx.scheduler().schedule(this::scheduledPoll, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("model {}: scheduler shut down; polling stops", name);
    }
  }

  private void scheduledPoll() {
    try {
      poll(false);
    } finally {
      synchronized (this) {
        if (!closed) {
          schedulePoll(nextDelayNanos());
        }
      }
    }
  }

  /**
   * Reads the pointer (conditionally) and starts loading the version it names if that is needed. Polls
   * run one at a time; the store is read outside the monitor, so {@link #status()} never waits for it.
   *
   * @param force whether to retry a failed version now rather than after its backoff
   * @return completes when the load this poll started (or one already running) has ended
   */
  CompletableFuture<Void> poll(boolean force) {
    synchronized (pollLock) {
      StoreReader store = ctx.store();
      String tag;
      synchronized (this) {
        if (closed || store == null) {
          return loads;
        }
        tag = pointerTag;
      }
      long start = System.nanoTime();
      StoreReader.PointerRead read = null;
      Throwable failure = null;
      try {
        read = store.readPointer(name, tag);
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      PollResult result;
      CompletableFuture<Void> load;
      synchronized (this) {
        if (read == null) {
          result = PollResult.FAILED;
          pollFailures++;
          consecutiveFailures++;
          lastFailure = new Failure(null, "poll failed: " + message(failure), now());
        } else {
          result = apply(read);
          if (result == PollResult.FAILED && lastFailure != null) {
            failure = new StorageException(lastFailure.message(), name, null);
          }
        }
        lastPoll = result;
        lastPollAt = now();
        load = loadIfNeeded(force);
      }
      ctx.events().polled(name, result, took, failure);
      return load;
    }
  }

  /** Updates the pointer state from a read the store answered. */
  private PollResult apply(StoreReader.PointerRead read) {
    lastSuccessfulPollAt = now();
    pollFailures = 0;
    PollResult result;
    switch (read.status()) {
      case NOT_MODIFIED:
        result = pointerProblem ? PollResult.FAILED : PollResult.UNCHANGED;
        break;
      case MISSING:
        if (pointerVersion != null) {
          LoadedVersion live = handle.live();
          String problem = "the store has no " + StorageFormat.POINTER + " for " + name + " any more"
              + (live == null ? "" : "; " + live.version + " keeps serving");
          log.warn("model {}: {}", name, problem);
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
          consecutiveFailures++;
          lastFailure = new Failure(null, String.valueOf(read.malformed()), now());
          return PollResult.FAILED;
        }
        VersionId named = read.pointer().version();
        result = named.equals(pointerVersion) ? PollResult.UNCHANGED : PollResult.CHANGED;
        pointerVersion = named;
    }
    if (!pointerProblem) {
      if (lastFailure != null && lastFailure.version() == null) {
        lastFailure = null; // the store answers again
      }
      if (failedVersion == null) {
        consecutiveFailures = 0;
      }
    }
    return result;
  }

  /** Starts a load of the version that should be served, unless it is served, loading, or backing off. */
  private CompletableFuture<Void> loadIfNeeded(boolean force) {
    VersionId target = pinned != null ? pinned : pointerVersion;
    if (target == null) {
      return loads;
    }
    LoadedVersion live = handle.live();
    if (live != null && live.version.equals(target) && live.source == ModelSource.STORE) {
      if (target.equals(failedVersion)) {
        clearFailure();
      }
      return loads;
    }
    if (target.equals(loadingVersion)) {
      return loads;
    }
    if (!force && target.equals(failedVersion) && System.nanoTime() - retryAtNanos < 0) {
      return loads;
    }
    loadingVersion = target;
    loads = loads
        .handle((ok, error) -> (Void) null)
        .thenRunAsync(() -> runLoad(target), ctx.loaderExecutor());
    return loads;
  }

  /** Fetches, verifies, loads, validates, then swaps; runs on the loader executor. */
  private void runLoad(VersionId target) {
    StoreReader store = ctx.store();
    synchronized (this) {
      VersionId wanted = pinned != null ? pinned : pointerVersion;
      if (closed || store == null || !target.equals(wanted)) {
        if (target.equals(loadingVersion)) {
          loadingVersion = null;
        }
        return;
      }
    }
    try {
      LoadedVersion loaded = fetchAndLoad(store, target);
      synchronized (this) {
        if (closed) {
          loaded.closeOnce();
          return;
        }
        swapIn(loaded);
        clearFailure();
      }
      prune();
    } catch (IOException | RuntimeException e) {
      String serving;
      synchronized (this) {
        noteLoadFailure(target, e);
        LoadedVersion live = handle.live();
        serving = live == null ? null : live.version.value();
      }
      ctx.events().loadFailed(name, target.value(), ModelSource.STORE, e, serving);
    } finally {
      synchronized (this) {
        if (target.equals(loadingVersion)) {
          loadingVersion = null;
        }
      }
    }
  }

  private LoadedVersion fetchAndLoad(StoreReader store, VersionId target) throws IOException {
    long start = System.nanoTime();
    LocalCache.CachedVersion cached =
        ctx.cache().fetch(store, name, target, LocalCache.Namespace.STORE, ctx.config().requireManifest());
    return load(cached, ModelSource.STORE, start);
  }

  /** Loads, validates and warms up a cached version, and reports it loaded. */
  private LoadedVersion load(LocalCache.CachedVersion cached, ModelSource source, long startNanos) {
    LoadedVersion loaded = ctx.loader().load(cached, source);
    ctx.events().loaded(name, cached.version().value(), source,
        Duration.ofNanos(System.nanoTime() - startNanos), cached.bytesDownloaded());
    return loaded;
  }

  // ------------------------------------------------------------------ swap

  /** Makes {@code next} live with one volatile write and retires the version it replaces. */
  private void swapIn(LoadedVersion next) {
    LoadedVersion previous = handle.swap(next);
    ctx.events().swapped(name, previous == null ? null : previous.version.value(), next.version.value(),
        next.source);
    if (previous != null) {
      ctx.retirement().retire(previous);
    }
    if (next.source == ModelSource.STORE) {
      ctx.cache().recordLastGood(name, next.version);
    }
  }

  private void prune() {
    Set<VersionId> inUse = new HashSet<>(ctx.retirement().openVersions(name));
    LoadedVersion live = handle.live();
    if (live != null) {
      inUse.add(live.version);
    }
    synchronized (this) {
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
    CompletableFuture<Void> load;
    synchronized (this) {
      before = pinned;
      pinned = version;
      load = loadIfNeeded(true);
    }
    load.join();
    synchronized (this) {
      LoadedVersion live = handle.live();
      if (live == null || !live.version.equals(version)) {
        pinned = before;
        String why = lastFailure != null && version.value().equals(lastFailure.version())
            ? lastFailure.message()
            : "the store does not have it and the local cache has no copy";
        throw new ModelLoadException(name, version.value(), "could not be pinned: " + why);
      }
      log.info("model {}: pinned to {}; the store's pointer is ignored until unpinned", name, version);
    }
    return status();
  }

  /** Follows the pointer again and polls now. */
  ModelStatus unpin() {
    synchronized (this) {
      pinned = null;
    }
    log.info("model {}: unpinned; following the store's pointer again", name);
    poll(true).join();
    return status();
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

  synchronized ModelStatus status() {
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
        live == null ? 0 : Math.max(0, live.leases.sum()));
  }

  /** Stops polling and retires the live version; returns the loads still running, to wait for. */
  synchronized CompletableFuture<Void> close() {
    closed = true;
    if (nextPoll != null) {
      nextPoll.cancel(false);
    }
    LoadedVersion live = handle.closeSlot();
    if (live != null) {
      ctx.retirement().retire(live);
    }
    return loads;
  }

  // ------------------------------------------------------------------ helpers

  private void noteLoadFailure(VersionId version, Throwable e) {
    failedAttempts = version.equals(failedVersion) ? failedAttempts + 1 : 1;
    failedVersion = version;
    retryAtNanos = System.nanoTime() + backoffNanos(failedAttempts);
    consecutiveFailures++;
    lastFailure = new Failure(version.value(), message(e), now());
  }

  private void clearFailure() {
    failedVersion = null;
    failedAttempts = 0;
    consecutiveFailures = 0;
    lastFailure = null;
  }

  /** The next poll delay: the interval, doubled per consecutive failed poll up to the maximum, jittered. */
  private long nextDelayNanos() {
    long base = backoffNanos(pollFailures + 1);
    double jitter = ctx.config().pollJitter();
    double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, (long) (base * factor));
  }

  /** The interval times 2^(attempt-1), capped at the maximum backoff. */
  private long backoffNanos(int attempt) {
    long interval = ctx.config().pollInterval().toNanos();
    long max = ctx.config().maxBackoff().toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long delay = interval > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : interval << shift;
    return Math.min(delay, max);
  }

  private Instant now() {
    return Instant.now(ctx.config().clock());
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
