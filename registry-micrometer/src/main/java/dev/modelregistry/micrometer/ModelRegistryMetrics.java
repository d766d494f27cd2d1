package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.PredictionStats;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
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
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer metrics of the registry's models. Thread-safe. All meters are tagged with {@code model}.
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
 *       when prediction stats are recorded.
 * </ul>
 */
final class ModelRegistryMetrics implements MeterBinder, RegistryListener {

  private final ObjectProvider<ModelRegistry> registryProvider;
  private final Clock clock;
  private final Map<String, LongAdder> swaps = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> loadFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> pollErrors = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> versionMeters = new ConcurrentHashMap<>();
  private volatile @Nullable MeterRegistry meters;
  private volatile @Nullable MultiGauge versions;

  ModelRegistryMetrics(ObjectProvider<ModelRegistry> registry, Clock clock) {
    this.registryProvider = registry;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ModelRegistry models = registryProvider.getObject();
    for (String model : models.models()) {
      Tags tags = Tags.of("model", model);
      FunctionCounter.builder("model.registry.swaps", counter(swaps, model), LongAdder::doubleValue)
          .tags(tags).description("Versions swapped in to replace another").register(registry);
      FunctionCounter.builder("model.registry.load.failures", counter(loadFailures, model), LongAdder::doubleValue)
          .tags(tags).description("Versions that failed to download, verify, load or warm up").register(registry);
      FunctionCounter.builder("model.registry.poll.errors", counter(pollErrors, model), LongAdder::doubleValue)
          .tags(tags).description("Polls of the store that failed").register(registry);
      Gauge.builder("model.registry.loaded", models, m -> m.status(model).loaded() ? 1 : 0)
          .tags(tags).description("Whether a version is served").register(registry);
      Gauge.builder("model.registry.calls.in.flight", models, m -> m.status(model).inFlight())
          .tags(tags).description("Calls running on the live version").register(registry);
      Gauge.builder("model.registry.versions.retired", models, m -> m.status(model).retiredVersions())
          .tags(tags).description("Swapped-out versions waiting for their last call before they are closed")
          .register(registry);
      TimeGauge.builder("model.registry.staleness", models, TimeUnit.SECONDS, m -> staleness(m.status(model)))
          .tags(tags).description("Time since the store last answered a poll").register(registry);
      for (PredictionStats stats : models.predictionStats(model)) {
        registerVersion(registry, stats);
      }
    }
    this.versions = MultiGauge.builder("model.registry.version")
        .description("The version each model serves (value 1), tagged with version and source")
        .register(registry);
    this.meters = registry;
    refreshVersions(models);
  }

  @Override
  public void onSwapped(RegistryEvent.Swapped event) {
    if (event.previousVersion() != null) {
      counter(swaps, event.model()).increment();
    }
    MeterRegistry registry = meters;
    if (registry == null) {
      return; // the first versions load while the registry is built; bindTo registers them
    }
    ModelRegistry models = registryProvider.getIfAvailable();
    if (models != null) {
      for (PredictionStats stats : models.predictionStats(event.model())) {
        if (stats.version().equals(event.version())) {
          registerVersion(registry, stats);
        }
      }
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

  private void refreshVersions(ModelRegistry models) {
    MultiGauge gauge = versions;
    if (gauge == null) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (String model : models.models()) {
      ModelStatus status = models.status(model);
      if (status.loaded()) {
        rows.add(MultiGauge.Row.of(Tags.of("model", model, "version", String.valueOf(status.version()),
            "source", String.valueOf(status.source()).toLowerCase(Locale.ROOT)), 1));
      }
    }
    gauge.register(rows, true);
  }

  private double staleness(ModelStatus status) {
    return status.staleness(Instant.now(clock)).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
  }

  private static LongAdder counter(Map<String, LongAdder> counters, String model) {
    return counters.computeIfAbsent(model, m -> new LongAdder());
  }
}
