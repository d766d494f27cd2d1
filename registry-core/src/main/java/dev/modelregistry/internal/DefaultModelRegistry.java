package dev.modelregistry.internal;

import dev.modelregistry.Experiment;
import dev.modelregistry.Model;
import dev.modelregistry.Outcome;
import dev.modelregistry.QualityReport;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.PredictionStats;
import dev.modelregistry.RegistryClosedException;
import dev.modelregistry.VersionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry: one {@link ModelController} per declared model, sharing a cache, a scheduler, a pool of
 * loader threads and a reaper.
 */
public final class DefaultModelRegistry implements ModelRegistry {

  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  private final RegistryContext ctx;
  private final Map<String, ModelController> controllers;
  /**
   * What a lookup that hits reads, once: the declared models and the loaded discovered ones (see {@link
   * DiscoveredModels}).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, DiscoveredModels.Served> readPath =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, ExperimentController> experiments;
  private final @Nullable QualityMonitor quality;
  private final @Nullable DiscoveredModels discovered;
  private final @Nullable ChangeFeedPoller feed;
  private final @Nullable ScheduledExecutorService ownScheduler;
  private final @Nullable ExecutorService ownLoader;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DefaultModelRegistry(
      RegistryContext ctx, @Nullable ScheduledExecutorService ownScheduler, @Nullable ExecutorService ownLoader) {
    this.ctx = ctx;
    this.ownScheduler = ownScheduler;
    this.ownLoader = ownLoader;
    Map<String, ModelController> byName = new LinkedHashMap<>();
    this.quality = ctx.config().quality().isEmpty() ? null
        : new QualityMonitor(ctx.config().quality(), ctx, ctx.config().qualityPublisher(), byName::get);
    LoadPipeline pipeline = new LoadPipeline(ctx, quality);
    for (ModelSpec spec : ctx.config().models()) {
      byName.put(spec.name(), new ModelController(spec, ctx, pipeline));
    }
    this.controllers = java.util.Collections.unmodifiableMap(byName);
    byName.forEach((name, controller) -> readPath.put(name, DiscoveredModels.Served.declared(controller)));
    Map<String, ExperimentController> experimentsByName = new LinkedHashMap<>();
    for (String experiment : ctx.config().experiments()) {
      experimentsByName.put(experiment, new ExperimentController(experiment, ctx,
          model -> byName.containsKey(model) ? byName.get(model).handle : null));
    }
    this.experiments = java.util.Collections.unmodifiableMap(experimentsByName);
    RegistryConfig config = ctx.config();
    this.discovered = config.discovery() == null
        ? null
        : new DiscoveredModels(config.discovery(), ctx, pipeline, !config.changeFeed(), readPath);
    if (discovered != null) {
      discovered.followEvictionsWith(name -> discoveredNow(name).handle);
    }
    this.feed = config.changeFeed() && config.polling() && ctx.store() != null
        ? new ChangeFeedPoller(ctx, ctx.store(), this::loadedControllers, experiments.values(),
            discovered == null ? changes -> {} : discovered::feedRead)
        : null;
  }

  /** The controllers of the declared models and of the discovered models loaded now. */
  private List<ModelController> loadedControllers() {
    List<ModelController> all = new ArrayList<>(controllers.values());
    if (discovered != null) {
      discovered.cleanUp(); // evictions and expirations due, on the poll's thread
      all.addAll(discovered.all());
    }
    return all;
  }

  /** Builds, loads every declared model, and starts polling; closes what it started if that fails. */
  public static ModelRegistry start(RegistryConfig config) {
    LocalCache cache = new LocalCache(config.cacheDirectory(), config.clock());
    ScheduledExecutorService ownScheduler = null;
    ScheduledExecutorService scheduler = config.scheduler();
    if (scheduler == null) {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon("model-registry-scheduler"));
      executor.setRemoveOnCancelPolicy(true);
      scheduler = ownScheduler = executor;
    }
    ExecutorService ownLoader = null;
    java.util.concurrent.Executor loaderExecutor = config.loaderExecutor();
    if (loaderExecutor == null) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(config.loaderThreads(), config.loaderThreads(),
          60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("model-registry-loader"));
      pool.allowCoreThreadTimeOut(true);
      loaderExecutor = ownLoader = pool;
    }
    Events events = new Events(config.listeners());
    RegistryContext ctx = new RegistryContext(
        config,
        config.store() == null ? null : new StoreReader(config.store()),
        config.fallback() == null ? null : new StoreReader(config.fallback()),
        cache,
        new VersionLoader(config.loaders(), config.discoverLoaders(), config.clock(), config.recordPredictionStats()),
        events,
        new Retirement(events, scheduler, config.ticker(), config.leaseWarningAfter(), config.captureLeaseStacks()),
        scheduler,
        new TimedTasks(loaderExecutor, scheduler, config.ticker(), config.loadTimeout()),
        new ShadowRunner(config.shadowThreads(), config.shadowQueueCapacity()));
    DefaultModelRegistry registry = new DefaultModelRegistry(ctx, ownScheduler, ownLoader);
    try {
      for (ModelController controller : registry.controllers.values()) {
        controller.start();
      }
      ctx.retirement().start(registry::liveVersions);
      if (registry.discovered != null) {
        registry.discovered.start();
      }
      for (ExperimentController experiment : registry.experiments.values()) {
        ModelController.awaitQuietly(experiment.poll());
      }
      if (registry.feed != null) {
        registry.feed.start();
      } else if (!config.changeFeed()) {
        for (ModelController controller : registry.controllers.values()) {
          controller.startPolling();
        }
      }
      if (ctx.store() != null && registry.feed == null) {
        registry.experiments.values().forEach(ExperimentController::startPolling); // else the feed polls them
      }
      if (registry.quality != null) {
        registry.quality.start(config.qualityInterval());
      }
    } catch (RuntimeException | Error e) {
      registry.close();
      throw e;
    }
    log.info("model registry started: {} model(s){} from {}{}; cache {}", registry.controllers.size(),
        registry.discovered == null ? "" : " and " + registry.discovered + " on first use",
        config.store() == null ? "no store" : config.store().description(),
        config.fallback() == null ? "" : ", fallback " + config.fallback().description(), cache.root());
    return registry;
  }

  @Override
  public Model current(String name) {
    DiscoveredModels.Served hit = name == null ? null : readPath.get(name); // the read path: one map read
    if (hit != null) {
      DiscoveredModels loaded = discovered;
      if (!hit.declared && loaded != null) {
        loaded.sample(name, hit);
      }
      return served(hit.controller);
    }
    ModelController controller = controllers.get(name);
    return served(controller != null ? controller : discoveredNow(name));
  }

  /** The handle of a model whose controller exists, if a version of it is loaded. */
  private Model served(ModelController controller) {
    String name = controller.name;
    ModelHandle handle = controller.handle;
    if (!handle.isLoaded() && !handle.followsEviction()) {
      if (closed.get()) {
        throw new RegistryClosedException(name);
      }
      ModelStatus status = controller.status();
      throw ModelNotFoundException.notLoaded(name,
          status.lastFailure() == null ? "no source has given a version yet" : status.lastFailure().message());
    }
    return handle;
  }

  /** The controller of a discovered model, loading it first if needed, within the load timeout. */
  private ModelController discoveredNow(String name) {
    CompletableFuture<ModelController> future = discovered(name);
    if (future.isDone() && !future.isCompletedExceptionally()) {
      return future.join();
    }
    return await(name, withDeadline(name, future));
  }

  private CompletableFuture<ModelController> discovered(String name) {
    if (discovered == null) {
      throw ModelNotFoundException.notDeclared(String.valueOf(name), controllers.keySet());
    }
    if (name == null) {
      throw new NullPointerException("name");
    }
    CompletableFuture<ModelController> future = discovered.get(name);
    if (future == null) {
      throw ModelNotFoundException.notServed(name, controllers.keySet(), discovered.toString());
    }
    return future;
  }

  /** {@code future}, failed with a timeout if it has not completed within the load timeout. */
  private <T> CompletableFuture<T> withDeadline(String name, CompletableFuture<T> future) {
    if (future.isDone()) {
      return future;
    }
    CompletableFuture<T> bounded = new CompletableFuture<>();
    Duration timeout = ctx.config().loadTimeout();
    java.util.concurrent.ScheduledFuture<?> deadline;
    try {
      deadline = ctx.scheduler().schedule(
          () -> bounded.completeExceptionally(ModelNotFoundException.notLoadedWithin(name, timeout)),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      deadline = null;
    }
    java.util.concurrent.ScheduledFuture<?> cancel = deadline;
    future.whenComplete((value, error) -> {
      if (cancel != null) {
        cancel.cancel(false);
      }
      if (error != null) {
        bounded.completeExceptionally(ModelController.unwrapped(error));
      } else {
        bounded.complete(value);
      }
    });
    return bounded;
  }

  private static <T> T await(String name, CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ModelNotFoundException.notLoaded(name, "interrupted while waiting for its first load");
    } catch (ExecutionException e) {
      Throwable cause = ModelController.unwrapped(e.getCause());
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  @Override
  public CompletableFuture<Model> currentAsync(String name) {
    try {
      ModelController controller = controllers.get(name);
      if (controller != null) {
        return CompletableFuture.completedFuture(served(controller));
      }
      return withDeadline(name, discovered(name)).thenApply(this::served);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public dev.modelregistry.LoadedModelsStats loadedModelsStats() {
    return discovered == null
        ? new dev.modelregistry.LoadedModelsStats(0, 0, 0, 0, Duration.ZERO, 0, 0, 0, 0)
        : discovered.stats();
  }

  @Override
  public List<PredictionStats> predictionStats(String name) {
    return controller(name).predictionStats();
  }

  @Override
  public Set<String> models() {
    if (discovered == null) {
      return controllers.keySet();
    }
    Set<String> names = new java.util.LinkedHashSet<>(controllers.keySet());
    for (ModelController controller : discovered.all()) {
      names.add(controller.name);
    }
    return java.util.Collections.unmodifiableSet(names);
  }

  @Override
  public ModelStatus status(String name) {
    return controller(name).status();
  }

  @Override
  public Experiment experiment(String name) {
    ExperimentController experiment = experiments.get(name);
    if (experiment == null) {
      throw new IllegalArgumentException("experiment " + name + " is not declared in this registry (declared: "
          + (experiments.isEmpty() ? "none" : String.join(", ", experiments.keySet())) + "); declare it with"
          + " ModelRegistry.builder().experiment(\"" + name + "\")");
    }
    return experiment;
  }

  @Override
  public boolean recordOutcome(Outcome outcome) {
    if (closed.get()) {
      throw new RegistryClosedException(outcome.model());
    }
    return quality != null && quality.offerOutcome(outcome);
  }

  @Override
  public QualityReport quality(String name) {
    if (quality == null) {
      throw new IllegalArgumentException("model " + name + " has no quality policy; declare one with"
          + " ModelRegistry.builder().quality(\"" + name + "\", QualityPolicy.defaults())");
    }
    return quality.report(name);
  }

  @Override
  public Set<String> experiments() {
    return experiments.keySet();
  }

  @Override
  public void refresh() {
    requireOpen();
    if (discovered != null) {
      discovered.forgetMisses();
    }
    List<CompletableFuture<Void>> loads = new ArrayList<>();
    for (ModelController controller : loadedControllers()) {
      loads.add(controller.poll(true).load());
    }
    for (ExperimentController experiment : experiments.values()) {
      loads.add(experiment.poll());
    }
    for (CompletableFuture<Void> load : loads) {
      ModelController.awaitQuietly(load);
    }
  }

  @Override
  public ModelStatus refresh(String name) {
    requireOpen();
    ModelController controller = controller(name);
    ModelController.awaitQuietly(controller.poll(true).load());
    return controller.status();
  }

  /** The versions every model serves now, for the lease watchdog. */
  private List<LoadedVersion> liveVersions() {
    List<LoadedVersion> live = new ArrayList<>();
    for (ModelController controller : loadedControllers()) {
      Routing routing = controller.handle.current();
      if (routing != null) {
        live.addAll(routing.versions());
      }
    }
    return live;
  }

  @Override
  public ModelStatus pin(String name, String version) {
    requireOpen();
    VersionId id = VersionId.of(version);
    ModelController controller = controllers.get(name);
    return (controller != null ? controller : discoveredNow(name)).pin(id);
  }

  @Override
  public ModelStatus unpin(String name) {
    requireOpen();
    return controller(name).unpin();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + ctx.config().closeTimeout().toNanos();
    if (feed != null) {
      feed.stop();
    }
    List<CompletableFuture<Void>> loads = new ArrayList<>();
    for (ModelController controller : controllers.values()) {
      loads.add(controller.close());
    }
    if (discovered != null) {
      loads.addAll(discovered.close());
    }
    for (CompletableFuture<Void> load : loads) {
      try {
        load.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        log.debug("a load was still running at close: {}", e.toString());
      }
    }
    experiments.values().forEach(ExperimentController::stop);
    if (quality != null) {
      quality.stop();
    }
    ctx.shadows().close();
    ctx.retirement().stop();
    ctx.retirement().awaitAll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (ownLoader != null) {
      ownLoader.shutdownNow();
    }
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
    log.info("model registry closed");
  }

  /** The controller of a declared model, or of a discovered model loaded now. */
  private ModelController controller(String name) {
    ModelController controller = controllers.get(name);
    if (controller == null && discovered != null && name != null) {
      controller = discovered.loaded(name);
      if (controller == null) {
        throw !discovered.accepts(name)
            ? ModelNotFoundException.notServed(name, controllers.keySet(), discovered.toString())
            : ModelNotFoundException.notLoaded(name, "a discovered model is loaded the first time current(\"" + name
                + "\") asks for it");
      }
    }
    if (controller == null) {
      throw ModelNotFoundException.notDeclared(String.valueOf(name), controllers.keySet());
    }
    return controller;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RegistryClosedException.ofRegistry();
    }
  }

  private static ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "ModelRegistry" + controllers.keySet();
  }
}
