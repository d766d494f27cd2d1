package dev.modelregistry.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
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
 */
final class DiscoveredModels {

  private static final Logger log = LoggerFactory.getLogger(DiscoveredModels.class);

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
  private volatile java.util.function.@Nullable Function<String, ModelHandle> successor;
  /** The controllers whose first load runs now, so that their status can be read meanwhile. */
  private final Map<String, ModelController> starting = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param pollEach whether each loaded model polls its own pointer (no change feed)
   */
  DiscoveredModels(ModelDiscovery discovery, RegistryContext ctx, LoadPipeline pipeline, boolean pollEach) {
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
  }

  /** The model's controller, loaded or loading, if discovery accepts the name; null if it does not. */
  @Nullable CompletableFuture<ModelController> get(String name) {
    CompletableFuture<ModelController> present = cache.getIfPresent(name);
    if (present != null) {
      hits.increment();
      return present;
    }
    if (!discovery.accepts(name)) {
      return null;
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(RegistryClosedException.ofRegistry());
    }
    CompletableFuture<ModelController> mine = new CompletableFuture<>();
    CompletableFuture<ModelController> got = cache.get(name, (key, executor) -> mine); // no work inside the map
    if (got != mine) {
      hits.increment();
      return got;
    }
    misses.increment();
    load(name, mine);
    return mine;
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
        cache.asMap().remove(name, mine);
        mine.completeExceptionally(ModelController.unwrapped(error));
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
      controller.close();
    }
  }

  private void closeEvicted(String name, ModelController controller, String reason) {
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
        Duration.ofNanos(loadNanos.sum()), evictions.sum(), weight, count);
  }

  /** Closes every loaded model and refuses new ones; returns the loads still running. */
  List<CompletableFuture<Void>> close() {
    closed.set(true);
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
