package dev.modelregistry.micrometer;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.LoadedModelsStats;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.PredictionStats;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryException;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.ShadowComparison;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of a model registry, for any host (the Spring Boot starter wires it; elsewhere, build the
 * registry with it as a {@link RegistryListener} and call {@link #bindTo}). Thread-safe.
 *
 * <p>Per model, tagged {@code model}, registered when the model loads and removed when it is evicted (as
 * Resilience4j's tagged metrics publishers add and remove meters per entry):
 *
 * <ul>
 *   <li>{@code model.registry.version} (gauge, 1, tagged {@code version} and {@code source}): what each
 *       model serves;
 *   <li>{@code model.registry.loaded} (gauge, 1 or 0);
 *   <li>{@code model.registry.swaps}, {@code model.registry.load.failures}, {@code model.registry.poll.errors}
 *       (counters);
 *   <li>{@code model.registry.poll} (timer, tagged {@code result}): how long reading the pointer took;
 *   <li>{@code model.registry.calls.in.flight}, {@code model.registry.versions.retired} (gauges): calls on
 *       the live version, and swapped-out versions still waiting for their last call before they are closed;
 *   <li>{@code model.registry.staleness} (time gauge): since the store last answered a poll;
 *   <li>{@code model.registry.predictions} (function timer, tagged {@code version}) and {@code
 *       model.registry.prediction.failures}: calls and their time per version, while the version is open,
 *       when prediction stats are recorded;
 *   <li>{@code model.registry.canary.percent} (gauge, tagged {@code version}): the canary's share of calls;
 *   <li>{@code model.registry.shadow.calls}, {@code .dropped}, {@code .errors} (counters), {@code
 *       model.registry.shadow.agreement} (ratio) and {@code model.registry.shadow.difference.p99} (gauges),
 *       tagged {@code stable} and {@code shadow}: the running shadow comparison.
 * </ul>
 *
 * <p>Of the models loaded on first use ({@link dev.modelregistry.ModelDiscovery}), untagged: {@code
 * model.registry.cache.hits}, {@code .misses}, {@code .loads}, {@code .load.failures}, {@code .evictions}
 * (counters), {@code model.registry.cache.load.time} (function timer), {@code model.registry.cache.weight}
 * (gauge, bytes) and {@code model.registry.cache.size} (gauge, models). Per experiment: {@code
 * model.registry.experiment.assignments} (counter, tagged {@code experiment} and {@code variant}). Per model
 * with a quality policy: {@code model.registry.quality.degraded} (gauge), {@code
 * model.registry.quality.dropped} (counter), {@code model.registry.quality.changes} (counter, tagged {@code
 * version}, {@code arm}, {@code state}) and {@code model.registry.input.drift} (counter, tagged {@code feature}
 * and {@code level}).
 */
public class ModelRegistryMetrics implements MeterBinder, RegistryListener {

  private final Supplier<@Nullable ModelRegistry> registrySupplier;
  private final Clock clock;
  private final Map<String, LongAdder> swaps = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> loadFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> pollErrors = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> modelMeters = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> versionMeters = new ConcurrentHashMap<>();
  private final Map<String, Shadow> shadowMeters = new ConcurrentHashMap<>();
  private final Map<String, Meter> experimentMeters = new ConcurrentHashMap<>();
  private volatile @Nullable MeterRegistry meters;
  private volatile @Nullable MultiGauge versions;
  private volatile @Nullable MultiGauge canaries;

  /**
   * @param registry gives the registry once it is built (null before); the meters read it when sampled. It
   *     is only asked once {@link #bindTo} has run, never while the registry is being built
   * @param clock for the staleness gauge
   */
  public ModelRegistryMetrics(Supplier<@Nullable ModelRegistry> registry, Clock clock) {
    this.registrySupplier = requireNonNull(registry, "registry");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ModelRegistry models = requireNonNull(registrySupplier.get(), "the model registry is not built yet");
    this.versions = MultiGauge.builder("model.registry.version")
        .description("The version each model serves (value 1), tagged with version and source")
        .register(registry);
    this.canaries = MultiGauge.builder("model.registry.canary.percent")
        .description("The share of calls a model's canary version gets, in percent, tagged with its version")
        .register(registry);
    this.meters = registry;
    bindCache(registry, models);
    for (String model : models.models()) {
      registerModel(registry, models, model);
      registerQuality(registry, models, model);
    }
    refreshExperiments(registry, models);
    refreshVersions(models);
  }

  private void bindCache(MeterRegistry registry, ModelRegistry models) {
    FunctionCounter.builder("model.registry.cache.hits", models, m -> m.loadedModelsStats().hits())
        .description("Lookups of discovered models that found them loaded or loading").register(registry);
    FunctionCounter.builder("model.registry.cache.misses", models, m -> m.loadedModelsStats().misses())
        .description("Lookups of discovered models that started a load").register(registry);
    FunctionCounter.builder("model.registry.cache.remembered.misses", models,
            m -> m.loadedModelsStats().rememberedMisses())
        .description("Lookups of names no source has, answered from memory without asking the sources")
        .register(registry);
    FunctionCounter.builder("model.registry.cache.loads", models, m -> m.loadedModelsStats().loads())
        .description("Discovered models loaded").register(registry);
    FunctionCounter.builder("model.registry.cache.load.failures", models, m -> m.loadedModelsStats().loadFailures())
        .description("Discovered models that no source had or that failed to load").register(registry);
    FunctionCounter.builder("model.registry.cache.evictions", models, m -> m.loadedModelsStats().evictions())
        .description("Discovered models evicted to stay within the bounds, or idle").register(registry);
    FunctionTimer.builder("model.registry.cache.load.time", models,
            m -> { LoadedModelsStats s = m.loadedModelsStats(); return s.loads() + s.loadFailures(); },
            m -> m.loadedModelsStats().loadTime().toNanos(), TimeUnit.NANOSECONDS)
        .description("Loads of discovered models and their time").register(registry);
    Gauge.builder("model.registry.cache.weight", models, m -> m.loadedModelsStats().weightBytes())
        .baseUnit("bytes").description("What the discovered models loaded now weigh, as the bound counts it")
        .register(registry);
    Gauge.builder("model.registry.cache.size", models, m -> m.loadedModelsStats().loaded())
        .description("Discovered models loaded now").register(registry);
  }

  /** Registers a model's meters, once. */
  private void registerModel(MeterRegistry registry, ModelRegistry models, String model) {
    modelMeters.computeIfAbsent(model, name -> {
      Tags tags = Tags.of("model", name);
      List<Meter> registered = new ArrayList<>();
      registered.add(FunctionCounter.builder("model.registry.swaps", counter(swaps, name), LongAdder::doubleValue)
          .tags(tags).description("Versions swapped in to replace another").register(registry));
      registered.add(FunctionCounter.builder("model.registry.load.failures", counter(loadFailures, name),
              LongAdder::doubleValue)
          .tags(tags).description("Versions that failed to download, verify, load or warm up").register(registry));
      registered.add(FunctionCounter.builder("model.registry.poll.errors", counter(pollErrors, name),
              LongAdder::doubleValue)
          .tags(tags).description("Polls of the store that failed").register(registry));
      registered.add(Gauge.builder("model.registry.loaded", models, m -> status(m, name, s -> s.loaded() ? 1 : 0))
          .tags(tags).description("Whether a version is served").register(registry));
      registered.add(Gauge.builder("model.registry.calls.in.flight", models, m -> status(m, name, ModelStatus::inFlight))
          .tags(tags).description("Calls running on the live version").register(registry));
      registered.add(Gauge.builder("model.registry.versions.retired", models,
              m -> status(m, name, ModelStatus::retiredVersions))
          .tags(tags).description("Swapped-out versions waiting for their last call before they are closed")
          .register(registry));
      registered.add(TimeGauge.builder("model.registry.staleness", models, TimeUnit.SECONDS,
              m -> status(m, name, this::staleness))
          .tags(tags).description("Time since the store last answered a poll").register(registry));
      return registered;
    });
    try {
      for (PredictionStats stats : models.predictionStats(model)) {
        registerVersion(registry, stats);
      }
    } catch (RegistryException e) {
      // evicted meanwhile: its meters go with the eviction event
    }
    refreshShadow(registry, models, model);
  }

  @Override
  public void onSwapped(RegistryEvent.Swapped event) {
    if (event.previousVersion() != null) {
      counter(swaps, event.model()).increment();
    }
    MeterRegistry registry = meters;
    if (registry == null) {
      // The first versions load while the registry is built; bindTo registers them. The supplier is not
      // asked before: while the registry is built, asking a container for it may wait on the builder.
      return;
    }
    ModelRegistry models = registrySupplier.get();
    if (models == null) {
      return;
    }
    registerModel(registry, models, event.model());
    refreshVersions(models, event.model()); // a discovered model is listed once its first load has ended
  }

  @Override
  public void onRolloutChanged(RegistryEvent.RolloutChanged event) {
    MeterRegistry registry = meters;
    ModelRegistry models = registry == null ? null : registrySupplier.get();
    if (registry != null && models != null) {
      refreshShadow(registry, models, event.model());
      refreshVersions(models);
    }
  }

  @Override
  public void onEvicted(RegistryEvent.Evicted event) {
    MeterRegistry registry = meters;
    List<Meter> gone = modelMeters.remove(event.model());
    Shadow shadow = shadowMeters.remove(event.model());
    swaps.remove(event.model());
    loadFailures.remove(event.model());
    pollErrors.remove(event.model());
    if (registry != null) {
      if (gone != null) {
        gone.forEach(registry::remove);
      }
      if (shadow != null) {
        shadow.meters.forEach(registry::remove);
      }
      registry.find("model.registry.poll").tag("model", event.model()).meters().forEach(registry::remove);
    }
    ModelRegistry models = registry == null ? null : registrySupplier.get();
    if (models != null) {
      refreshVersions(models);
    }
  }

  @Override
  public void onLoadFailed(RegistryEvent.LoadFailed event) {
    counter(loadFailures, event.model()).increment();
  }

  @Override
  public void onPolled(RegistryEvent.Polled event) {
    if (event.failure() != null) {
      counter(pollErrors, event.model()).increment();
    }
    MeterRegistry registry = meters;
    if (registry != null) {
      Timer.builder("model.registry.poll")
          .description("Reads of the store's pointer")
          .tags("model", event.model(), "result", event.result().name().toLowerCase(Locale.ROOT))
          .register(registry)
          .record(event.took());
      ModelRegistry models = registrySupplier.get();
      if (models != null) {
        refreshExperiments(registry, models); // variants appear as experiment files change
      }
    }
  }

  /**
   * Registers the quality meters of a model that has a quality policy: whether it is degraded (any arm
   * breaching, or a feature at the PSI alarm), outcomes and samples dropped, and counters of the
   * degradations and drift reports as they happen.
   */
  private void registerQuality(MeterRegistry registry, ModelRegistry models, String model) {
    try {
      models.quality(model);
    } catch (IllegalArgumentException noPolicy) {
      return;
    }
    Tags tags = Tags.of("model", model);
    Gauge.builder("model.registry.quality.degraded", models, m -> m.quality(model).degraded() ? 1 : 0)
        .tags(tags).description("1 while an arm breaches its quality thresholds or a feature is past the PSI alarm")
        .register(registry);
    FunctionCounter.builder("model.registry.quality.dropped", models, m -> m.quality(model).dropped())
        .tags(tags).description("Outcomes and input samples dropped because the quality queue was full")
        .register(registry);
  }

  @Override
  public void onQualityChanged(RegistryEvent.QualityChanged event) {
    MeterRegistry registry = meters;
    if (registry != null) {
      registry.counter("model.registry.quality.changes", "model", event.model(), "version",
          event.quality().version(), "arm", event.quality().arm().name().toLowerCase(Locale.ROOT), "state",
          event.quality().state().name().toLowerCase(Locale.ROOT)).increment();
    }
  }

  @Override
  public void onInputDrifted(RegistryEvent.InputDrifted event) {
    MeterRegistry registry = meters;
    if (registry != null) {
      registry.counter("model.registry.input.drift", "model", event.model(), "feature", event.drift().feature(),
          "level", event.drift().level().name().toLowerCase(Locale.ROOT)).increment();
    }
  }

  @Override
  public void onClosed(RegistryEvent.Closed event) {
    MeterRegistry registry = meters;
    List<Meter> closed = versionMeters.remove(event.model() + " " + event.version());
    if (registry != null && closed != null) {
      closed.forEach(registry::remove);
    }
  }

  private void registerVersion(MeterRegistry registry, PredictionStats stats) {
    versionMeters.computeIfAbsent(stats.model() + " " + stats.version(), key -> {
      Tags tags = Tags.of("model", stats.model(), "version", stats.version());
      List<Meter> registered = new ArrayList<>();
      registered.add(FunctionTimer.builder("model.registry.predictions", stats, PredictionStats::count,
              s -> s.totalTime(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)
          .tags(tags).description("Predictions and their time, per version").register(registry));
      registered.add(FunctionCounter.builder("model.registry.prediction.failures", stats, PredictionStats::failures)
          .tags(tags).description("Predictions that threw, per version").register(registry));
      return registered;
    });
  }

  /** The meters of one shadow comparison: stable and shadow versions, and what was registered for them. */
  private record Shadow(String stable, String shadow, List<Meter> meters) {}

  /** Registers the meters of the model's shadow comparison, after removing those of the one before. */
  private void refreshShadow(MeterRegistry registry, ModelRegistry models, String model) {
    ShadowComparison now;
    try {
      now = models.status(model).rollout().shadow();
    } catch (RegistryException e) {
      now = null;
    }
    Shadow before = shadowMeters.get(model);
    if (before != null && now != null && before.stable().equals(now.stableVersion())
        && before.shadow().equals(now.shadowVersion())) {
      return;
    }
    if (before != null && shadowMeters.remove(model, before)) {
      before.meters().forEach(registry::remove);
    }
    if (now == null) {
      return;
    }
    Tags tags = Tags.of("model", model, "stable", now.stableVersion(), "shadow", now.shadowVersion());
    String stable = now.stableVersion();
    String shadow = now.shadowVersion();
    List<Meter> registered = new ArrayList<>();
    registered.add(FunctionCounter.builder("model.registry.shadow.calls", models,
            m -> shadowValue(m, model, stable, shadow, ShadowComparison::calls))
        .tags(tags).description("Calls the shadow version answered").register(registry));
    registered.add(FunctionCounter.builder("model.registry.shadow.dropped", models,
            m -> shadowValue(m, model, stable, shadow, ShadowComparison::dropped))
        .tags(tags).description("Shadow calls dropped because the shadow queue was full").register(registry));
    registered.add(FunctionCounter.builder("model.registry.shadow.errors", models,
            m -> shadowValue(m, model, stable, shadow, ShadowComparison::errors))
        .tags(tags).description("Shadow calls that threw or answered with another shape").register(registry));
    registered.add(Gauge.builder("model.registry.shadow.agreement", models,
            m -> shadowValue(m, model, stable, shadow, ShadowComparison::agreement))
        .tags(tags).baseUnit("ratio").description("Share of calls where shadow and stable agreed").register(registry));
    registered.add(Gauge.builder("model.registry.shadow.difference.p99", models,
            m -> shadowValue(m, model, stable, shadow, ShadowComparison::differenceP99))
        .tags(tags).description("99th percentile of the largest absolute output difference").register(registry));
    shadowMeters.put(model, new Shadow(stable, shadow, registered));
  }

  private static double shadowValue(ModelRegistry models, String model, String stable, String shadow,
      java.util.function.ToDoubleFunction<ShadowComparison> value) {
    try {
      ShadowComparison now = models.status(model).rollout().shadow();
      return now != null && now.stableVersion().equals(stable) && now.shadowVersion().equals(shadow)
          ? value.applyAsDouble(now) : Double.NaN;
    } catch (RegistryException e) {
      return Double.NaN;
    }
  }

  private void refreshExperiments(MeterRegistry registry, ModelRegistry models) {
    for (String experiment : models.experiments()) {
      for (String variant : models.experiment(experiment).assignments().keySet()) {
        experimentMeters.computeIfAbsent(experiment + " " + variant, key ->
            FunctionCounter.builder("model.registry.experiment.assignments", models,
                    m -> m.experiment(experiment).assignments().getOrDefault(variant, 0L))
                .tags("experiment", experiment, "variant", variant)
                .description("Units assigned to each variant of an experiment").register(registry));
      }
    }
  }

  private void refreshVersions(ModelRegistry models) {
    refreshVersions(models, null);
  }

  private void refreshVersions(ModelRegistry models, @Nullable String loading) {
    MultiGauge versionGauge = versions;
    MultiGauge canaryGauge = canaries;
    if (versionGauge == null || canaryGauge == null) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> canaryRows = new ArrayList<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>(models.models());
    if (loading != null) {
      names.add(loading);
    }
    for (String model : names) {
      ModelStatus status;
      try {
        status = models.status(model);
      } catch (RegistryException e) {
        continue; // evicted meanwhile
      }
      if (status.loaded()) {
        rows.add(MultiGauge.Row.of(Tags.of("model", model, "version", String.valueOf(status.version()),
            "source", String.valueOf(status.source()).toLowerCase(Locale.ROOT)), 1));
      }
      ModelStatus.Rollout rollout = status.rollout();
      if (rollout.canaryVersion() != null) {
        canaryRows.add(MultiGauge.Row.of(Tags.of("model", model, "version", rollout.canaryVersion()),
            rollout.canaryPercent()));
      }
    }
    versionGauge.register(rows, true);
    canaryGauge.register(canaryRows, true);
  }

  private double staleness(ModelStatus status) {
    return status.staleness(Instant.now(clock)).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
  }

  /** A value of the model's status, or NaN when the model is not served here any more. */
  private static double status(ModelRegistry models, String model, java.util.function.ToDoubleFunction<ModelStatus> value) {
    try {
      return value.applyAsDouble(models.status(model));
    } catch (RegistryException e) {
      return Double.NaN;
    }
  }

  private static LongAdder counter(Map<String, LongAdder> counters, String model) {
    return counters.computeIfAbsent(model, m -> new LongAdder());
  }
}
