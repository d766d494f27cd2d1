package dev.modelregistry.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.modelregistry.LoadedModelsStats;
import dev.modelregistry.ModelDiscovery;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.RegistryClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a registry serves without declaring them: loaded on first use, one load per name however many
 * callers ask at once, kept in a Caffeine cache bounded by weight and/or count (W-TinyLFU) and optionally
 * expired after an idle time. An evicted model's controller is closed from Caffeine's removal listener, which
 * runs on the loader executor after the eviction, outside Caffeine's atomic operation and outside any lock
 * of ours; closing retires its versions through the {@link Retirement}, so a version is never closed under a
 * running call, and exactly once. Pinned models weigh nothing and never expire, so they are never evicted.
 * Thread-safe.
 *
 * <p>Weights are kept in KiB rounded up, against a bound of the byte bound rounded down, so the byte total
 * never exceeds the bound once Caffeine has run its eviction.
 *
 * <p><b>The read path.</b> A lookup of a loaded model reads a plain {@link ConcurrentHashMap}, the registry's read
 * path (which also holds the declared models, so that any lookup that hits is one map read), before Caffeine: an asynchronous cache's {@code getIfPresent} records every access in a
 * striped buffer, and a shared hit counter is one more contended write, which together cost a discovered
 * lookup about three times a declared one. The map is kept in step with Caffeine: an entry is put once a load
 * has completed and Caffeine still holds that load's future (checked under the map's lock for the name, which
 * the removal listener also takes, so a load evicted at once leaves nothing behind; a lookup through Caffeine
 * that finds a loaded model missing from the map puts it back), and removed by the removal listener
 * <em>before</em> the controller is closed. So a lookup that starts after an eviction has completed never
 * finds the evicted model. A lookup racing an eviction may still get
 * the model being evicted: that is the same as a lookup racing a swap, and safe for the same
 * reason, since eviction is a retirement (calls on it finish on it, the version is closed after the last one
 * returns) and its handle follows the eviction to the model loaded again.
 *
 * <p>The first {@value #SAMPLE} hits of a loaded model are counted and told to Caffeine one by one, so a
 * newcomer's frequency, which W-TinyLFU compares with the model it would evict, is exact. After that Caffeine
 * is told of one hit in {@value #SAMPLE} of each thread (counted per thread, so no shared write; which ones
 * by a hash of the count, see {@link #sampled}), so the frequencies stay proportional to the real ones
 * (Caffeine caps them at 15 anyway); the hit count grows by {@value #SAMPLE} at each such hit, so past the
 * first ones it is an estimate. With an idle expiry, a
 * hit is also reported when the model's last report is older than a thirty-second of the idle time, read from
 * a coarse clock that a scheduled task moves (a volatile read per hit, a write per model at most once per
 * tick): a model in regular use never expires because its hits were not sampled. A model expires within a
 * sixteenth of the idle time of the idle time after its last call: its last report may precede its last call
 * by up to two ticks, and expirations run at the next tick.
 *
 * <p><b>Names no source has</b> are remembered, when configured, for a time: a lookup of one fails at once
 * with the same sources named, without reading the store. A remembered name is forgotten when the change feed
 * shows a pointer move of it past the one known when it was missed, at the expiry, or at {@link
 * #forgetMisses()}.
 */
final class DiscoveredModels {

  private static final Logger log = LoggerFactory.getLogger(DiscoveredModels.class);

  /** Caffeine is told of one hit in this many (a power of two). */
  static final int SAMPLE = 16;
  private static final int SAMPLE_BITS = 4;
  private static final int STRIPES = 64;
  private static final int STRIPE_INTS = 32; // 128 bytes apart: no two slots share a cache line
  /** The most names no source has that are remembered at once. */
  static final int MAXIMUM_REMEMBERED_MISSES = 10_000;

  private final ModelDiscovery discovery;
  private final RegistryContext ctx;
  private final LoadPipeline pipeline;
  private final boolean pollEach;
  private final long maximumModels;
  private final boolean weighByBytes;
  private final AsyncCache<String, ModelController> cache;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder rememberedMisses = new LongAdder();
  /**
   * Hits on the read path, per thread (threads whose ids collide share a slot): written without a fence by
   * the one thread that owns the slot, so counting costs no shared write. A lost update between two threads
   * sharing a slot only moves which hit is sampled.
   */
  private final int[] hitsByThread = new int[(STRIPES + 2) * STRIPE_INTS];
  /** The loaded models, read before Caffeine; see the class comment. */
  private final ConcurrentHashMap<String, Served> loadedByName;
  /** A hit is reported to Caffeine when its model's last report is this much older than {@link #coarseNow}. */
  private final long reportAfterNanos;
  private final long tickNanos;
  /** The ticker's reading at the last tick; moved only with an idle expiry. */
  private volatile long coarseNow;
  private volatile @Nullable ScheduledFuture<?> tick;
  private final @Nullable Cache<String, Missing> missing;
  private final @Nullable Duration missingTtl;
  /** The change feed as last read, or null when there is none (or it is not read). */
  private volatile @Nullable Changes feed;
  private volatile java.util.function.@Nullable Function<String, ModelHandle> successor;
  /** The controllers whose first load runs now, so that their status can be read meanwhile. */
  private final Map<String, ModelController> starting = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param pollEach whether each loaded model polls its own pointer (no change feed)
   * @param readPath the registry's read path, holding its declared models: loaded models are put there
   */
  DiscoveredModels(ModelDiscovery discovery, RegistryContext ctx, LoadPipeline pipeline, boolean pollEach,
      ConcurrentHashMap<String, Served> readPath) {
    this.loadedByName = readPath;
    this.discovery = discovery;
    this.ctx = ctx;
    this.pipeline = pipeline;
    this.pollEach = pollEach;
    RegistryConfig config = ctx.config();
    this.maximumModels = config.maximumModels();
    this.weighByBytes = config.maximumWeightBytes() > 0;
    Caffeine<Object, Object> builder = Caffeine.newBuilder()
        .executor(ctx.tasks().executor())
        .ticker(ctx.ticker()::read);
    if (weighByBytes) {
      builder.maximumWeight(Math.max(1, config.maximumWeightBytes() / 1024))
          .weigher((String name, ModelController c) -> c.isPinned() ? 0 : kibibytes(c.weightBytes()));
    } else if (maximumModels > 0) {
      builder.maximumWeight(maximumModels).weigher((String name, ModelController c) -> c.isPinned() ? 0 : 1);
    }
    Duration idle = config.expireAfterAccess();
    this.tickNanos = idle == null ? 0 : Math.max(1_000_000, idle.toNanos() / 32);
    this.reportAfterNanos = idle == null ? Long.MAX_VALUE : tickNanos;
    this.coarseNow = ctx.ticker().read();
    if (idle != null) {
      long idleNanos = idle.toNanos();
      builder.expireAfter(new Expiry<String, ModelController>() {
        @Override
        public long expireAfterCreate(String name, ModelController c, long now) {
          return c.isPinned() ? Long.MAX_VALUE : idleNanos;
        }

        @Override
        public long expireAfterUpdate(String name, ModelController c, long now, long left) {
          return c.isPinned() ? Long.MAX_VALUE : idleNanos;
        }

        @Override
        public long expireAfterRead(String name, ModelController c, long now, long left) {
          return c.isPinned() ? Long.MAX_VALUE : idleNanos;
        }
      });
    }
    this.cache = builder
        .removalListener((String name, ModelController controller, RemovalCause cause) -> removed(name, controller, cause))
        .buildAsync();
    Duration ttl = config.missingModelTtl();
    this.missingTtl = ttl.isZero() ? null : ttl;
    this.missing = missingTtl == null ? null : Caffeine.newBuilder()
        .maximumSize(MAXIMUM_REMEMBERED_MISSES)
        .expireAfterWrite(missingTtl)
        .ticker(ctx.ticker()::read)
        .executor(Runnable::run)
        .<String, Missing>build();
  }

  /**
   * The current thread's slot in {@link #hitsByThread}: threads with ids in a run of {@value #STRIPES} have
   * slots of their own, each on its own cache line, and none on the line of the array's length, which every
   * hit reads.
   */
  @SuppressWarnings("deprecation") // Thread.getId(), for Java 17; Thread.threadId() from 19
  private static int stripe() {
    return (((int) Thread.currentThread().getId() & (STRIPES - 1)) + 1) * STRIPE_INTS; // not beside the header
  }

  /**
   * A model as the registry's read path holds it: a declared model (never sampled, never removed) or a loaded
   * discovered one.
   */
  static final class Served {
    final ModelController controller;
    /** Whether the model is declared: its hits are not sampled and its entry is never removed. */
    final boolean declared;
    /** The coarse time of the last hit reported to Caffeine. */
    volatile long reportedAt;
    /** How many more hits are counted and reported one by one, before sampling takes over. */
    volatile int exactHitsLeft = SAMPLE;

    private Served(ModelController controller, boolean declared, long reportedAt) {
      this.controller = controller;
      this.declared = declared;
      this.reportedAt = reportedAt;
    }

    /** A declared model's entry. */
    static Served declared(ModelController controller) {
      return new Served(controller, true, 0);
    }
  }

  /** A name no source had: what each said, and the name's sequence in the change feed when it was missed. */
  private record Missing(List<String> attempts, long feedSequence) {}

  /** Starts the coarse clock of the idle expiry, if there is one. */
  void start() {
    if (tickNanos > 0) {
      tick = ctx.scheduler().scheduleWithFixedDelay(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Moves the coarse clock, and runs the expirations due: hits that skip Caffeine do not run them. */
  private void tick() {
    coarseNow = ctx.ticker().read();
    cache.synchronous().cleanUp();
  }

  /**
   * Counts a hit of a loaded model found on the read path, telling Caffeine of it only on a sample. See the
   * class comment.
   */
  void sample(String name, Served loaded) {
    int exact = loaded.exactHitsLeft;
    if (exact > 0) {
      loaded.exactHitsLeft = exact - 1; // racy on purpose: a few more exact hits do no harm
      report(name, loaded, 1);
    } else if (sampled(++hitsByThread[stripe()])) {
      report(name, loaded, SAMPLE);
    } else if (coarseNow - loaded.reportedAt >= reportAfterNanos) {
      report(name, loaded, 0);
    }
  }

  /**
   * Whether a thread's {@code count}th sampled-phase hit is told to Caffeine: one count in {@value #SAMPLE},
   * picked by the top bits of a multiplicative (Fibonacci) hash, not every {@value #SAMPLE}th. A thread that
   * asks for models in a fixed cycle whose length divides {@value #SAMPLE} (a, b, a, b, ...) would otherwise
   * have every sampled hit land on the same model, and the others' frequencies would stop growing; the hash
   * spreads the sampled counts over every residue of any such cycle.
   */
  static boolean sampled(int count) {
    return (count * 0x9E3779B9) >>> (32 - SAMPLE_BITS) == 0;
  }

  /**
   * Tells Caffeine of a hit (frequency for W-TinyLFU, recency, and the idle expiry from now), and counts
   * {@code hits} hits.
   */
  private void report(String name, Served loaded, int hits) {
    long now = coarseNow;
    if (loaded.reportedAt != now) {
      loaded.reportedAt = now;
    }
    if (hits > 0) {
      this.hits.add(hits);
    }
    cache.getIfPresent(name);
  }

  /** The model's controller, loaded or loading, if discovery accepts the name; null if it does not. */
  @Nullable CompletableFuture<ModelController> get(String name) {
    CompletableFuture<ModelController> present = cache.getIfPresent(name);
    if (present != null) {
      hits.increment();
      if (present.isDone() && !present.isCompletedExceptionally() && !loadedByName.containsKey(name)
          && !closed.get()) {
        publish(name, present.join()); // a put lost to a race with another load of the name: back on the read path
      }
      return present;
    }
    if (!discovery.accepts(name)) {
      return null;
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(RegistryClosedException.ofRegistry());
    }
    ModelNotFoundException remembered = rememberedMiss(name);
    if (remembered != null) {
      return CompletableFuture.failedFuture(remembered);
    }
    CompletableFuture<ModelController> mine = new CompletableFuture<>();
    CompletableFuture<ModelController> got = cache.get(name, (key, executor) -> mine); // no work inside the map
    if (got != mine) {
      hits.increment();
      return got;
    }
    remembered = rememberedMiss(name); // a load that failed between the check and the insert
    if (remembered != null) {
      cache.asMap().remove(name, mine);
      mine.completeExceptionally(remembered);
      return mine;
    }
    misses.increment();
    load(name, mine);
    return mine;
  }

  /** The error of a remembered miss of {@code name}, counted; null if none is remembered. */
  private @Nullable ModelNotFoundException rememberedMiss(String name) {
    Cache<String, Missing> remembered = missing;
    Missing miss = remembered == null ? null : remembered.getIfPresent(name);
    if (miss == null) {
      return null;
    }
    rememberedMisses.increment();
    return ModelNotFoundException.noSourceRemembered(name, miss.attempts(), java.util.Objects.requireNonNull(missingTtl));
  }

  /**
   * Remembers that no source had {@code name}, if that is what {@code error} says and every source said so
   * for certain (not a source that could not be read, or a version that would not load).
   */
  private void rememberMiss(String name, ModelController controller, Throwable error, long feedSequence) {
    Cache<String, Missing> remembered = missing;
    if (remembered != null && error instanceof ModelNotFoundException notFound && controller.noSourceHadIt()) {
      remembered.put(name, new Missing(notFound.attempts(), feedSequence));
    }
  }

  /**
   * Records the change feed as just read (null when the store has none, or it is not valid), and forgets the
   * remembered misses of names whose pointer moved since they were missed.
   */
  void feedRead(@Nullable Changes changes) {
    feed = changes;
    Cache<String, Missing> remembered = missing;
    if (changes == null || remembered == null) {
      return;
    }
    for (Map.Entry<String, Missing> e : remembered.asMap().entrySet()) {
      if (changes.model(e.getKey()) > e.getValue().feedSequence()) {
        remembered.asMap().remove(e.getKey(), e.getValue());
      }
    }
  }

  /** Forgets every remembered miss, so that the next lookup of such a name reads the store. */
  void forgetMisses() {
    Cache<String, Missing> remembered = missing;
    if (remembered != null) {
      remembered.invalidateAll();
    }
  }

  /** Where calls on the handle of an evicted model go: the registry's lookup, which loads it again. */
  void followEvictionsWith(java.util.function.Function<String, ModelHandle> successor) {
    this.successor = successor;
  }

  /** Whether the discovery accepts {@code name}. */
  boolean accepts(String name) {
    return discovery.accepts(name);
  }

  /**
   * The controller of a loaded model, or of one whose first load runs now, without loading it or counting a
   * hit; null if neither.
   */
  @Nullable ModelController loaded(String name) {
    CompletableFuture<ModelController> future = cache.asMap().get(name);
    if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
      return future.join();
    }
    return starting.get(name);
  }

  /** The controllers of the models loaded now. */
  List<ModelController> all() {
    List<ModelController> all = new ArrayList<>();
    for (CompletableFuture<ModelController> future : cache.asMap().values()) {
      if (future.isDone() && !future.isCompletedExceptionally()) {
        all.add(future.join());
      }
    }
    return all;
  }

  private void load(String name, CompletableFuture<ModelController> mine) {
    long start = ctx.ticker().read();
    Changes feedAtStart = feed;
    long feedSequence = feedAtStart == null ? 0 : feedAtStart.model(name);
    ModelController controller;
    try {
      controller = new ModelController(new ModelSpec(name, false, null), ctx, pipeline);
    } catch (RuntimeException e) {
      loadFailures.increment();
      cache.asMap().remove(name, mine);
      mine.completeExceptionally(e);
      return;
    }
    starting.put(name, controller);
    controller.startAsync(true).whenComplete((x, error) -> {
      loadNanos.add(ctx.ticker().read() - start);
      starting.remove(name, controller);
      if (error != null) {
        loadFailures.increment();
        controller.close(); // nothing is served; stops what it may have started
        Throwable cause = ModelController.unwrapped(error);
        rememberMiss(name, controller, cause, feedSequence); // before the removal: no lookup misses both
        cache.asMap().remove(name, mine);
        mine.completeExceptionally(cause);
        return;
      }
      loads.increment();
      if (closed.get()) {
        controller.close();
        mine.completeExceptionally(RegistryClosedException.ofRegistry());
        return;
      }
      if (pollEach) {
        controller.startPolling();
      }
      controller.onWeightChange(() -> reweigh(name, mine));
      java.util.function.Function<String, ModelHandle> next = successor;
      if (next != null) {
        controller.handle.followEviction(next);
      }
      mine.complete(controller); // Caffeine weighs it now, and evicts what the bound calls for
      publish(name, controller);
      if (closed.get()) {
        controller.close(); // close() may have listed the loaded models before this one completed; closing is idempotent
        return;
      }
      enforceCount();
    });
  }

  /** Weighs the model again after a swap or a pin: Caffeine weighs an entry when it is written. */
  private void reweigh(String name, CompletableFuture<ModelController> entry) {
    if (entry.isDone()) {
      cache.asMap().replace(name, entry, entry);
    }
  }

  /** With both a byte bound and a count bound, Caffeine keeps the bytes; this keeps the count. */
  private void enforceCount() {
    if (!weighByBytes || maximumModels <= 0) {
      return;
    }
    cache.synchronous().policy().eviction().ifPresent(eviction -> {
      while (true) {
        long unpinned = all().stream().filter(c -> !c.isPinned()).count();
        if (unpinned <= maximumModels) {
          return;
        }
        Map<String, ModelController> coldest = eviction.coldest((int) (unpinned - maximumModels));
        boolean removed = false;
        for (Map.Entry<String, ModelController> e : coldest.entrySet()) {
          if (!e.getValue().isPinned()) {
            CompletableFuture<ModelController> future = cache.asMap().get(e.getKey());
            if (future != null && cache.asMap().remove(e.getKey(), future)) {
              removed = true;
              evictions.increment();
              closeEvicted(e.getKey(), e.getValue(), "size");
            }
          }
        }
        if (!removed) {
          return;
        }
      }
    });
  }

  private void removed(@Nullable String name, @Nullable ModelController controller, RemovalCause cause) {
    if (name == null || controller == null || cause == RemovalCause.REPLACED) {
      return;
    }
    if (cause.wasEvicted()) {
      evictions.increment();
      closeEvicted(name, controller, cause == RemovalCause.EXPIRED ? "expired" : "size");
    } else {
      forget(name, controller);
      controller.close();
    }
  }

  /**
   * Puts a loaded model on the read path, if Caffeine still holds it once it is there: one evicted (or
   * removed) meanwhile, whose removal listener may have run already, is taken off again. A put that replaced
   * the entry of a newer load of the name (a race of two loads around an eviction) takes that one off the read
   * path until its next lookup through Caffeine puts it back.
   */
  private void publish(String name, ModelController controller) {
    Served loaded = new Served(controller, false, coarseNow);
    // Checked inside compute, under the map's lock for this name: the removal listener's forget() needs that
    // lock too, so either Caffeine no longer holds the model here and nothing is put, or the listener runs
    // after the put and takes it off. The check reads Caffeine's map only: no listener, no lock, no wait.
    loadedByName.compute(name, (key, before) -> {
      if (before != null && before.declared) {
        return before; // a declared model of that name wins: it is never replaced or removed
      }
      if (closed.get() || cache.synchronous().policy().getIfPresentQuietly(name) != controller) {
        return before;
      }
      return loaded;
    });
    if (closed.get()) { // a close() that ran meanwhile has already cleared the read path
      loadedByName.remove(name, loaded);
    }
  }

  /** Takes the model off the read path; before it is closed, so that no lookup after the close finds it. */
  private void forget(String name, ModelController controller) {
    Served loaded = loadedByName.get(name);
    if (loaded != null && !loaded.declared && loaded.controller == controller) {
      loadedByName.remove(name, loaded);
    }
  }

  private void closeEvicted(String name, ModelController controller, String reason) {
    forget(name, controller);
    controller.close();
    ctx.events().evicted(name, reason);
  }

  /** Runs Caffeine's pending maintenance: evictions and expirations due. */
  void cleanUp() {
    cache.synchronous().cleanUp();
  }

  /**
   * The counts, and the weight once Caffeine's pending evictions have run: with a byte bound, the weight the
   * cache accounts (models whose load has just ended count once the cache has weighed them, which it does
   * before it evicts for them); else the weight of the models loaded now.
   */
  LoadedModelsStats stats() {
    cleanUp();
    long weight = 0;
    long count = 0;
    for (ModelController c : all()) {
      weight += c.isPinned() ? 0 : kibibytes(c.weightBytes()) * 1024L;
      count++;
    }
    if (weighByBytes) {
      weight = cache.synchronous().policy().eviction()
          .flatMap(e -> e.weightedSize().isPresent() ? java.util.Optional.of(e.weightedSize().getAsLong() * 1024)
              : java.util.Optional.empty())
          .orElse(weight);
    }
    return new LoadedModelsStats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
        Duration.ofNanos(loadNanos.sum()), evictions.sum(), weight, count, rememberedMisses.sum());
  }

  /** Closes every loaded model and refuses new ones; returns the loads still running. */
  List<CompletableFuture<Void>> close() {
    closed.set(true);
    ScheduledFuture<?> ticking = tick;
    if (ticking != null) {
      ticking.cancel(false);
    }
    loadedByName.values().removeIf(served -> !served.declared);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (ModelController c : all()) {
      running.add(c.close());
    }
    return running;
  }

  @Override
  public String toString() {
    return discovery.toString();
  }

  private static int kibibytes(long bytes) {
    long kib = (bytes + 1023) / 1024;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, kib));
  }
}
