package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.DefaultModelRegistry;
import dev.modelregistry.internal.RegistryConfig;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.ModelStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Serves the current version of each declared model and swaps in new versions as the store's pointer
 * moves, without a lock on the read path. Thread-safe.
 *
 * <pre>{@code
 * ModelRegistry registry = ModelRegistry.builder()
 *     .store(FilesystemModelStore.of(Path.of("/srv/models")))
 *     .fallback(ClasspathModelStore.of("bundled-models"))
 *     .cacheDirectory(Path.of("/var/cache/models"))
 *     .pollInterval(Duration.ofSeconds(120))
 *     .model("t20_win_predictor")
 *     .build();
 *
 * float[] p = registry.current("t20_win_predictor").predict(features);
 * }</pre>
 *
 * <h2>Sources</h2>
 * At build, each declared model is loaded from the first source that has it: the store's pointer; the
 * local cache's last good version (so a restart with the store away still serves); the bundled fallback.
 * {@link ModelStatus#source()} tells which. A registry then polls the store on one scheduler thread, with
 * jitter, and conditional reads, so an unchanged poll transfers no model bytes. Errors back off
 * exponentially and never stop polling.
 *
 * <h2>What a reader sees during a swap</h2>
 * A new version is downloaded into a staging folder, verified against its manifest, moved into the cache,
 * loaded, validated and warmed up on the loader thread, while the old version keeps serving. Then one
 * volatile write makes it live. A call that starts before that write runs entirely on the old version; a
 * call that starts after it runs entirely on the new one; no call sees a mix, waits, or fails because of the
 * swap. The old version is retired and closed by a background reaper once the last call that started on
 * it has returned, never before. A version that fails any step is never served; the old one serves on, and
 * the failure is reported (event, WARN log, {@link #status(String)}) and retried with backoff.
 *
 * <h2>Read path</h2>
 * {@link #current(String)} is a map lookup; a prediction is one volatile read, an increment and a
 * decrement of a striped, padded counter, and the model's own work. No lock, no allocation by the
 * registry, no logging.
 */
public interface ModelRegistry extends AutoCloseable {

  /** A builder with the defaults described on each setter. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The live model {@code name}. The returned handle follows swaps (see {@link Model}); it may be kept.
   *
   * <p>A model that is not declared but that the registry's {@link Builder#discover(ModelDiscovery)} accepts
   * is loaded by the first call that asks for it (concurrent first calls share one load), which waits up to
   * the load timeout; later calls are a lookup. A discovered model may be evicted again when the registry
   * is bounded: a handle of it stops working then ({@link RegistryClosedException}), so ask for the model
   * with this method per call or batch rather than keeping its handle. A lookup that starts after an
   * eviction has completed never returns the evicted model; one that races an eviction may, exactly as a
   * call racing a swap may run on the old version, and the same way safely: calls on it finish on it. A
   * discovered name that no source has is remembered for {@link Builder#missingModelTtl(Duration)}: asking
   * for it again within that time throws at once, without asking the sources.
   *
   * @throws ModelNotFoundException if the model was not declared and is not discovered, no source has it,
   *     or no version of it has loaded yet
   * @throws RegistryClosedException if the registry was closed
   */
  Model current(String name);

  /**
   * The live model {@code name}, without waiting: completed at once when the model is loaded, else when the
   * load this starts (or one already running) ends. A discovered model that is not loaded is loaded on the
   * registry's loader threads; concurrent first calls share one load. Never completes later than the load
   * timeout.
   *
   * @return completes with the model, or exceptionally with {@link ModelNotFoundException} (no source has
   *     it: the message names every source tried), {@link RegistryClosedException}, or a timeout
   */
  CompletableFuture<Model> currentAsync(String name);

  /**
   * Hits, misses, loads and evictions of the discovered models, and their weight now. All zero without
   * {@link Builder#discover(ModelDiscovery)}.
   */
  LoadedModelsStats loadedModelsStats();

  /**
   * Prediction counts and times of every loaded version of model {@code name}: the live one first, then
   * retired versions not closed yet. Empty counts unless the registry records them ({@link
   * Builder#recordPredictionStats(boolean)}).
   *
   * @throws ModelNotFoundException if the model was not declared
   */
  List<PredictionStats> predictionStats(String name);

  /** The names of the declared models, then of the discovered models loaded now. */
  Set<String> models();

  /**
   * The declared experiment {@code name}, read from the store's {@code _experiments/<name>.json}.
   *
   * <pre>{@code
   * Experiment.Assignment a = registry.experiment("rec_algorithm_v1").forUnit(userId);
   * float[] scores = a.model().predict(row);     // log a.variant() with the outcome
   * }</pre>
   *
   * @throws IllegalArgumentException if the experiment was not declared ({@link Builder#experiment})
   */
  Experiment experiment(String name);

  /** The names of the declared experiments. */
  Set<String> experiments();

  /**
   * Reports what actually happened after a prediction, for the quality watch of the model's {@link
   * QualityPolicy}. Cheap and non-blocking, from any thread: the outcome is queued (and dropped, and counted,
   * if the queue is full) and evaluated off the caller's thread.
   *
   * @return whether the outcome was taken (false when the model has no quality policy)
   */
  boolean recordOutcome(Outcome outcome);

  /**
   * How model {@code name} does in production, as of the last evaluation: per version and arm the metrics
   * over the window against the baseline, and per feature the input drift.
   *
   * @throws IllegalArgumentException if the model has no quality policy
   */
  QualityReport quality(String name);

  /**
   * The state of model {@code name}.
   *
   * @throws ModelNotFoundException if the model was not declared
   */
  ModelStatus status(String name);

  /**
   * Polls every model now, and waits until the versions this finds are loaded and swapped in (or have
   * failed, or run past the load timeout). Failures are reported in {@link #status(String)}, not thrown.
   *
   * @throws RegistryClosedException if the registry was closed
   */
  void refresh();

  /**
   * Polls one model now and waits for the result; see {@link #refresh()}.
   *
   * @throws RegistryClosedException if the registry was closed
   */
  ModelStatus refresh(String name);

  /**
   * Serves {@code version} of model {@code name} from now on, whatever the pointer says, until {@link
   * #unpin(String)}. A local override for an emergency roll back; the store is not touched. Waits until the
   * version is live.
   *
   * @throws ModelLoadException if the version cannot be loaded; the model then stays as it was
   * @throws RegistryClosedException if the registry was closed
   */
  ModelStatus pin(String name, String version);

  /**
   * Follows the store's pointer again, and polls now.
   *
   * @throws RegistryClosedException if the registry was closed
   */
  ModelStatus unpin(String name);

  /**
   * Stops polling, waits (up to the close timeout) for calls in flight to return, and closes every model.
   * Calls that start after this throw {@link RegistryClosedException}. A model still in use when the timeout
   * expires is left open, and reported, rather than closed under a running call. Idempotent.
   */
  @Override
  void close();

  /**
   * Configures and builds a {@link ModelRegistry}. Each setting may be given once; settings that add
   * (models, loaders, listeners) may be called repeatedly. Not thread-safe.
   */
  final class Builder {

    private @Nullable ModelStore store;
    private @Nullable ModelStore fallback;
    private @Nullable Path cacheDirectory;
    private final Map<String, ModelSpec> models = new LinkedHashMap<>();
    private final java.util.Set<String> experiments = new java.util.LinkedHashSet<>();
    private final List<ModelLoader> loaders = new ArrayList<>();
    private @Nullable Boolean discoverLoaders;
    private final List<RegistryListener> listeners = new ArrayList<>();
    private @Nullable Duration pollInterval;
    private @Nullable Boolean polling;
    private @Nullable Double pollJitter;
    private @Nullable Duration maxBackoff;
    private @Nullable Duration leaseWarningAfter;
    private @Nullable Boolean captureLeaseStacks;
    private @Nullable Duration closeTimeout;
    private @Nullable Integer cacheRetention;
    private @Nullable Boolean requireManifest;
    private @Nullable Boolean recordPredictionStats;
    private @Nullable Boolean failFast;
    private @Nullable Clock clock;
    private @Nullable Ticker ticker;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor loaderExecutor;
    private @Nullable Integer loaderThreads;
    private @Nullable Duration loadTimeout;
    private @Nullable Integer shadowThreads;
    private @Nullable Integer shadowQueueCapacity;
    private final Map<String, QualityPolicy> quality = new LinkedHashMap<>();
    private @Nullable ModelPublisher qualityPublisher;
    private @Nullable Duration qualityInterval;
    private @Nullable ModelDiscovery discovery;
    private @Nullable Long maximumWeightBytes;
    private @Nullable Long maximumModels;
    private @Nullable Duration expireAfterAccess;
    private @Nullable Boolean changeFeed;
    private @Nullable Integer fullScanEvery;
    private @Nullable Duration missingModelTtl;

    Builder() {}

    /**
     * The store to follow: its pointer decides what is served. Optional if a fallback is set. The registry
     * does not close stores; whoever created one closes it.
     */
    public Builder store(ModelStore store) {
      requireState(this.store == null, "store", this.store);
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * The source used when neither the store nor the local cache can give a model, typically {@link
     * ClasspathModelStore#of(String)} with models bundled in the application. Read at start only. When
     * its folder has no {@code latest.json}, its highest complete version is used.
     */
    public Builder fallback(ModelStore fallback) {
      requireState(this.fallback == null, "fallback", this.fallback);
      this.fallback = requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * The local folder where versions are downloaded, verified and kept (the last good one serves when the
     * store is away at start). Must be writable. Default: {@code <java.io.tmpdir>/model-registry}.
     */
    public Builder cacheDirectory(Path cacheDirectory) {
      requireState(this.cacheDirectory == null, "cacheDirectory", this.cacheDirectory);
      this.cacheDirectory = requireNonNull(cacheDirectory, "cacheDirectory");
      return this;
    }

    /** Declares a required model: {@link #build()} fails if no source has it. */
    public Builder model(String name) {
      return model(ModelSpec.required(name));
    }

    /** Declares a model with its options. */
    public Builder model(ModelSpec spec) {
      requireNonNull(spec, "spec");
      if (models.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("model " + spec.name() + " is declared twice");
      }
      return this;
    }

    /**
     * Declares an experiment: its file {@code _experiments/<name>.json} is read from the store at start and
     * at every poll, and {@link ModelRegistry#experiment(String)} assigns units to its variants. The models
     * its variants name must be declared too. A missing or invalid file does not fail the build: it is
     * reported, and read again at every poll.
     */
    public Builder experiment(String name) {
      Names.requireModelName(name);
      if (!experiments.add(name)) {
        throw new IllegalArgumentException("experiment " + name + " is declared twice");
      }
      return this;
    }

    /**
     * Serves the models {@code discovery} accepts besides the declared ones: each is loaded from the store
     * (else the local cache's last good version, else the fallback) the first time {@link
     * ModelRegistry#current(String)} asks for it, and polled while it is loaded. With {@link
     * #maximumWeightBytes} or {@link #maximumModels} they are evicted (least likely to be used again first,
     * Caffeine's W-TinyLFU) to stay within the bound; declared and pinned models are never evicted and do not
     * count. A registry that discovers models polls the store's change feed by default ({@link
     * #changeFeed(boolean)}). Default: none, only declared models are served.
     */
    public Builder discover(ModelDiscovery discovery) {
      requireState(this.discovery == null, "discover", this.discovery);
      this.discovery = requireNonNull(discovery, "discovery");
      return this;
    }

    /**
     * The most memory the discovered models loaded at once may weigh, in bytes: what each loader estimates
     * its model holds ({@link dev.modelregistry.spi.Predictor#memoryBytes()}), else the bytes of the
     * version's files. Needs {@link #discover}. Default: no bound.
     */
    public Builder maximumWeightBytes(long bytes) {
      requireState(this.maximumWeightBytes == null, "maximumWeightBytes", this.maximumWeightBytes);
      if (bytes < 1) {
        throw new IllegalArgumentException("maximumWeightBytes must be >= 1 but was " + bytes);
      }
      this.maximumWeightBytes = bytes;
      return this;
    }

    /** The most discovered models loaded at once. Needs {@link #discover}. Default: no bound. */
    public Builder maximumModels(long models) {
      requireState(this.maximumModels == null, "maximumModels", this.maximumModels);
      if (models < 1) {
        throw new IllegalArgumentException("maximumModels must be >= 1 but was " + models);
      }
      this.maximumModels = models;
      return this;
    }

    /**
     * Evicts a discovered model that no call has asked for during {@code idle} (measured with the {@link
     * #ticker}). Needs {@link #discover}. Default: never.
     */
    public Builder expireAfterAccess(Duration idle) {
      requireState(this.expireAfterAccess == null, "expireAfterAccess", this.expireAfterAccess);
      requirePositive(idle, "expireAfterAccess");
      this.expireAfterAccess = idle;
      return this;
    }

    /**
     * Whether background polling reads the store's change feed, {@code _changes.json}, once per poll
     * interval and then only the pointers it says changed, instead of every loaded model's pointer: an
     * unchanged poll is one conditional read however many models are loaded. Without the feed in the store
     * (a layout written by hand), every loaded model's pointer is read, as without this setting. Default:
     * true when {@link #discover} is set, else false.
     */
    public Builder changeFeed(boolean changeFeed) {
      requireState(this.changeFeed == null, "changeFeed", this.changeFeed);
      this.changeFeed = changeFeed;
      return this;
    }

    /**
     * How long a discovered name that no source has is remembered: within this time {@link
     * ModelRegistry#current(String)} of it throws {@link ModelNotFoundException} (naming every source tried,
     * as the first time) without asking the sources again. Only a definite "no such model" is remembered (the
     * store had no pointer, the local cache no last good version, the fallback no pointer and no version
     * folder), not a source that could not be read. A model published under the name is found as soon as
     * the change feed shows its pointer (at the next poll), else once this time has passed; {@link
     * ModelRegistry#refresh()} forgets every remembered name. At most 10,000 names are remembered (past that,
     * Caffeine's W-TinyLFU picks which to drop, which may be newer ones). {@code Duration.ZERO} turns it off.
     * Needs {@link #discover}. Default: 30 s.
     */
    public Builder missingModelTtl(Duration ttl) {
      requireState(this.missingModelTtl == null, "missingModelTtl", this.missingModelTtl);
      requireNotNegative(ttl, "missingModelTtl");
      this.missingModelTtl = ttl;
      return this;
    }

    /**
     * With the change feed, every how many polls every loaded model's pointer is read anyway, to notice
     * pointers written by scripts or older publishers that do not update the feed. Default: 10.
     */
    public Builder fullScanEvery(int polls) {
      requireState(this.fullScanEvery == null, "fullScanEvery", this.fullScanEvery);
      if (polls < 1) {
        throw new IllegalArgumentException("fullScanEvery must be >= 1 but was " + polls);
      }
      this.fullScanEvery = polls;
      return this;
    }

    /**
     * Adds a loader. Loaders given here win over discovered ones for the same format; two loaders given
     * here for one format are an error.
     */
    public Builder loader(ModelLoader loader) {
      requireNonNull(loader, "loader");
      for (ModelLoader existing : loaders) {
        if (existing.format().equals(loader.format())) {
          throw new IllegalArgumentException(
              "two loaders for format " + loader.format() + ": " + existing.getClass().getName() + " and "
                  + loader.getClass().getName());
        }
      }
      loaders.add(loader);
      return this;
    }

    /**
     * Whether to find loaders with {@link java.util.ServiceLoader} (the built-in {@code linear} loader, and
     * the XGBoost and ONNX loaders when their modules are on the classpath). Default: true.
     */
    public Builder discoverLoaders(boolean discoverLoaders) {
      requireState(this.discoverLoaders == null, "discoverLoaders", this.discoverLoaders);
      this.discoverLoaders = discoverLoaders;
      return this;
    }

    /** Adds a listener for events (see {@link RegistryListener} for the rules listeners follow). */
    public Builder listener(RegistryListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** How often to read each model's pointer. Default: 120 seconds. */
    public Builder pollInterval(Duration pollInterval) {
      requireState(this.pollInterval == null, "pollInterval", this.pollInterval);
      requirePositive(pollInterval, "pollInterval");
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * Whether to poll the store in the background. Default: true. Without polling, versions change only
     * through {@link ModelRegistry#refresh()} and {@link ModelRegistry#pin}.
     */
    public Builder polling(boolean polling) {
      requireState(this.polling == null, "polling", this.polling);
      this.polling = polling;
      return this;
    }

    /**
     * The random spread of each poll delay, as a fraction of it, so replicas do not poll in step. Default:
     * 0.1 (each delay is the interval ±10%).
     */
    public Builder pollJitter(double pollJitter) {
      requireState(this.pollJitter == null, "pollJitter", this.pollJitter);
      if (!(pollJitter >= 0 && pollJitter < 1)) {
        throw new IllegalArgumentException("pollJitter must be in [0, 1) but was " + pollJitter);
      }
      this.pollJitter = pollJitter;
      return this;
    }

    /**
     * The longest delay between polls after repeated failures (the delay doubles from the poll interval
     * with each failure), and between retries of a version that failed to load. Default: 10 minutes, or the
     * poll interval if that is longer.
     */
    public Builder maxBackoff(Duration maxBackoff) {
      requireState(this.maxBackoff == null, "maxBackoff", this.maxBackoff);
      requirePositive(maxBackoff, "maxBackoff");
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * How long a lease (or a call on a retired version) may be held before it is reported with a WARN log
     * and a {@link RegistryEvent.LeaseOverdue} event. {@link Duration#ZERO} turns the check off. Default: 60
     * seconds.
     */
    public Builder leaseWarningAfter(Duration leaseWarningAfter) {
      requireState(this.leaseWarningAfter == null, "leaseWarningAfter", this.leaseWarningAfter);
      requireNotNegative(leaseWarningAfter, "leaseWarningAfter");
      this.leaseWarningAfter = leaseWarningAfter;
      return this;
    }

    /**
     * Whether {@link Model#lease()} records the thread and the stack where each lease is taken, to report
     * them when the lease is held too long. Costs a few microseconds per lease, so it is for finding a leak;
     * without it an overdue lease is still reported, with its model, version and how long, but not where it
     * was taken. Default: false.
     */
    public Builder captureLeaseStacks(boolean captureLeaseStacks) {
      requireState(this.captureLeaseStacks == null, "captureLeaseStacks", this.captureLeaseStacks);
      this.captureLeaseStacks = captureLeaseStacks;
      return this;
    }

    /** How long {@link ModelRegistry#close()} waits for calls in flight. Default: 30 seconds. */
    public Builder closeTimeout(Duration closeTimeout) {
      requireState(this.closeTimeout == null, "closeTimeout", this.closeTimeout);
      requireNotNegative(closeTimeout, "closeTimeout");
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * How many versions per model the local cache keeps (the served one included); older ones are
     * deleted once closed. Default: 3.
     */
    public Builder cacheRetention(int versions) {
      requireState(this.cacheRetention == null, "cacheRetention", this.cacheRetention);
      if (versions < 1) {
        throw new IllegalArgumentException("cacheRetention must be >= 1 but was " + versions);
      }
      this.cacheRetention = versions;
      return this;
    }

    /**
     * Whether to refuse versions that have no {@code manifest.json} (published by a plain script), which
     * cannot be verified. Default: false: they are served, with a warning.
     */
    public Builder requireManifest(boolean requireManifest) {
      requireState(this.requireManifest == null, "requireManifest", this.requireManifest);
      this.requireManifest = requireManifest;
      return this;
    }

    /**
     * Whether to count and time predictions per version ({@link ModelRegistry#predictionStats}), for
     * metrics: every call is counted (an uncontended atomic add on the calling thread's stripe), one in eight
     * is timed. Default: false.
     */
    public Builder recordPredictionStats(boolean recordPredictionStats) {
      requireState(this.recordPredictionStats == null, "recordPredictionStats", this.recordPredictionStats);
      this.recordPredictionStats = recordPredictionStats;
      return this;
    }

    /**
     * Whether {@link #build()} fails when a required model cannot be loaded from any source. Default: true.
     * With false, the registry starts without it, retries on every poll, and {@link ModelStatus} shows the
     * model as required and not loaded: for hosts that gate readiness on it instead (the Spring Boot starter
     * does).
     */
    public Builder failFast(boolean failFast) {
      requireState(this.failFast == null, "failFast", this.failFast);
      this.failFast = failFast;
      return this;
    }

    /**
     * The ticker that measures intervals: poll delays, backoff, load deadlines, lease ages. Default: {@link
     * Ticker#system()}. With a manual ticker and a manual {@link #scheduler}, time-based behaviour is exact in
     * tests.
     */
    public Builder ticker(Ticker ticker) {
      requireState(this.ticker == null, "ticker", this.ticker);
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * How many threads the registry's own loader executor may use: loads of different models run in
     * parallel, loads of one model one at a time, so a model whose load hangs does not stop the others.
     * Ignored when a {@link #loaderExecutor} is given. Default: 4.
     */
    public Builder loaderThreads(int loaderThreads) {
      requireState(this.loaderThreads == null, "loaderThreads", this.loaderThreads);
      if (loaderThreads < 1) {
        throw new IllegalArgumentException("loaderThreads must be >= 1 but was " + loaderThreads);
      }
      this.loaderThreads = loaderThreads;
      return this;
    }

    /**
     * The deadline of one load (download, verification, loading, warm-up) and of one read of a pointer. A
     * load past it is abandoned (its thread is interrupted), reported as failed and retried with backoff;
     * the version served keeps serving, and {@link ModelStatus#stuckSince()} shows a load that does not
     * stop. {@link ModelRegistry#refresh()} and {@code pin} wait at most this long per model. Default: 10
     * minutes.
     */
    public Builder loadTimeout(Duration loadTimeout) {
      requireState(this.loadTimeout == null, "loadTimeout", this.loadTimeout);
      requirePositive(loadTimeout, "loadTimeout");
      this.loadTimeout = loadTimeout;
      return this;
    }

    /**
     * How many threads run shadow calls (a shadow version gets copies of a sample of the calls, off the
     * callers' threads; see {@link Pointer.Shadow}). Started with the first shadow call. Default: 1.
     */
    public Builder shadowThreads(int shadowThreads) {
      requireState(this.shadowThreads == null, "shadowThreads", this.shadowThreads);
      if (shadowThreads < 1) {
        throw new IllegalArgumentException("shadowThreads must be >= 1 but was " + shadowThreads);
      }
      this.shadowThreads = shadowThreads;
      return this;
    }

    /**
     * How many shadow calls may wait for a shadow thread; when the queue is full a shadow call is dropped
     * and counted ({@link ShadowComparison#dropped()}), and the caller never waits. Default: 1024.
     */
    public Builder shadowQueueCapacity(int shadowQueueCapacity) {
      requireState(this.shadowQueueCapacity == null, "shadowQueueCapacity", this.shadowQueueCapacity);
      if (shadowQueueCapacity < 1) {
        throw new IllegalArgumentException("shadowQueueCapacity must be >= 1 but was " + shadowQueueCapacity);
      }
      this.shadowQueueCapacity = shadowQueueCapacity;
      return this;
    }

    /**
     * Watches the quality of model {@code name} in production: outcomes reported with {@link
     * ModelRegistry#recordOutcome} against the baseline of each version's {@code metrics.json}, and sampled
     * inputs against the training reference of its manifest. See {@link QualityPolicy}.
     */
    public Builder quality(String name, QualityPolicy policy) {
      Names.requireModelName(name);
      if (quality.putIfAbsent(name, requireNonNull(policy, "policy")) != null) {
        throw new IllegalArgumentException("model " + name + " has a quality policy already");
      }
      return this;
    }

    /**
     * The publisher the quality watch acts through: rolls the pointer back when a stable version degrades
     * under {@link QualityPolicy.Action#ROLL_BACK}, and aborts a degraded canary. Without it, degradations are
     * only reported (and {@link QualityPolicy.Action#PIN_PREVIOUS} pins locally).
     */
    public Builder qualityPublisher(ModelPublisher publisher) {
      requireState(this.qualityPublisher == null, "qualityPublisher", this.qualityPublisher);
      this.qualityPublisher = requireNonNull(publisher, "publisher");
      return this;
    }

    /** How often outcomes and input samples are evaluated. Default: 1 second. */
    public Builder qualityInterval(Duration interval) {
      requireState(this.qualityInterval == null, "qualityInterval", this.qualityInterval);
      requirePositive(interval, "qualityInterval");
      this.qualityInterval = interval;
      return this;
    }

    /** The clock for timestamps in status and history. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      requireState(this.clock == null, "clock", this.clock);
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The executor that times polls, deadlines, the reaper and the lease check. Its tasks are short: store
     * reads and loads run on the loader executor. Default: one daemon thread of the registry's own. A given
     * executor is not shut down by {@link ModelRegistry#close()}; the registry cancels its tasks.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      requireState(this.scheduler == null, "scheduler", this.scheduler);
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The executor that reads pointers, downloads, verifies, loads and warms up versions. Default: a pool of
     * {@link #loaderThreads} daemon threads of the registry's own. A given executor is not shut down by
     * {@link ModelRegistry#close()}; it should have more than one thread, so that a load that hangs does not
     * hold up the other models.
     */
    public Builder loaderExecutor(Executor loaderExecutor) {
      requireState(this.loaderExecutor == null, "loaderExecutor", this.loaderExecutor);
      this.loaderExecutor = requireNonNull(loaderExecutor, "loaderExecutor");
      return this;
    }

    /**
     * Builds the registry, loads every declared model, and starts polling.
     *
     * @throws ModelNotFoundException if a required model cannot be loaded from any source (and {@link
     *     #failFast(boolean)} is on); the message names the model and what each source answered
     * @throws IllegalStateException if neither a store nor a fallback is set, or the cache folder is not
     *     writable
     */
    public ModelRegistry build() {
      if (store == null && fallback == null) {
        throw new IllegalStateException("a registry needs a store, a fallback, or both");
      }
      for (String watched : quality.keySet()) {
        if (!models.containsKey(watched)) {
          throw new IllegalArgumentException("model " + watched + " has a quality policy but is not declared;"
              + " declare it with model(\"" + watched + "\")");
        }
      }
      if (discovery == null && (maximumWeightBytes != null || maximumModels != null || expireAfterAccess != null
          || missingModelTtl != null)) {
        throw new IllegalStateException("maximumWeightBytes, maximumModels, expireAfterAccess and missingModelTtl"
            + " apply to discovered models, but no discovery is set; add .discover(ModelDiscovery.all()) or a"
            + " prefix");
      }
      Duration interval = pollInterval != null ? pollInterval : Duration.ofSeconds(120);
      Duration backoff = maxBackoff != null ? maxBackoff : Duration.ofMinutes(10);
      RegistryConfig config =
          new RegistryConfig(
              store,
              fallback,
              cacheDirectory != null
                  ? cacheDirectory
                  : Path.of(System.getProperty("java.io.tmpdir"), "model-registry"),
              List.copyOf(models.values()),
              List.copyOf(experiments),
              List.copyOf(loaders),
              discoverLoaders == null || discoverLoaders,
              List.copyOf(listeners),
              interval,
              polling == null || polling,
              pollJitter != null ? pollJitter : 0.1,
              backoff.compareTo(interval) < 0 ? interval : backoff,
              leaseWarningAfter != null ? leaseWarningAfter : Duration.ofSeconds(60),
              captureLeaseStacks != null && captureLeaseStacks,
              closeTimeout != null ? closeTimeout : Duration.ofSeconds(30),
              cacheRetention != null ? cacheRetention : 3,
              requireManifest != null && requireManifest,
              recordPredictionStats != null && recordPredictionStats,
              failFast == null || failFast,
              clock != null ? clock : Clock.systemUTC(),
              ticker != null ? ticker : Ticker.system(),
              scheduler,
              loaderExecutor,
              loaderThreads != null ? loaderThreads : 4,
              loadTimeout != null ? loadTimeout : Duration.ofMinutes(10),
              shadowThreads != null ? shadowThreads : 1,
              shadowQueueCapacity != null ? shadowQueueCapacity : 1024,
              quality,
              qualityPublisher,
              qualityInterval != null ? qualityInterval : Duration.ofSeconds(1),
              discovery,
              maximumWeightBytes != null ? maximumWeightBytes : 0,
              maximumModels != null ? maximumModels : 0,
              expireAfterAccess,
              changeFeed != null ? changeFeed : discovery != null,
              fullScanEvery != null ? fullScanEvery : 10,
              missingModelTtl != null ? missingModelTtl : Duration.ofSeconds(30));
      return DefaultModelRegistry.start(config);
    }

    private static void requireState(boolean ok, String setting, @Nullable Object current) {
      if (!ok) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }

    private static void requireNotNegative(Duration value, String setting) {
      requireNonNull(value, setting);
      if (value.isNegative()) {
        throw new IllegalArgumentException(setting + " must be >= 0 but was " + value);
      }
    }

    private static void requirePositive(Duration value, String setting) {
      requireNonNull(value, setting);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive but was " + value);
      }
    }
  }
}
