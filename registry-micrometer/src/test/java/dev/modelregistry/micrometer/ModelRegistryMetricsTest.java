package dev.modelregistry.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ExperimentDefinition;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelDiscovery;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.linear.LinearModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binder without Spring: meters come and go with the models, and cover the cache, rollouts, experiments. */
class ModelRegistryMetricsTest {

  @TempDir Path dir;
  final InMemoryModelStore store = new InMemoryModelStore();
  final ModelPublisher publisher = ModelPublisher.on(store);
  final MeterRegistry meters = new SimpleMeterRegistry();
  final AtomicReference<ModelRegistry> built = new AtomicReference<>();
  final ModelRegistryMetrics metrics = new ModelRegistryMetrics(built::get, Clock.systemUTC());

  private String release(String model, float value) {
    String version = publisher.publish(model, Publication.builder()
        .file("model.json", LinearModel.constant(value, 2).toJson()).build()).version().value();
    publisher.promote(model, version, null);
    return version;
  }

  private ModelRegistry start(ModelRegistry.Builder builder) {
    ModelRegistry registry = builder.store(store).cacheDirectory(dir).polling(false).listener(metrics)
        .loaderExecutor(Runnable::run).build();
    built.set(registry);
    metrics.bindTo(meters);
    return registry;
  }

  @Test
  void aDiscoveredModelsMetersAreAddedWhenItLoadsAndRemovedWhenItIsEvicted() {
    release("dish_a", 1);
    release("dish_b", 2);
    try (ModelRegistry registry = start(ModelRegistry.builder().discover(ModelDiscovery.all()).maximumModels(1))) {
      assertThat(meters.find("model.registry.loaded").gauges()).isEmpty();

      registry.current("dish_a").predict(new float[] {1, 1});
      assertThat(meters.get("model.registry.loaded").tags("model", "dish_a").gauge().value()).isEqualTo(1);
      assertThat(meters.get("model.registry.version").tags("model", "dish_a", "version", "v1").gauge().value())
          .isEqualTo(1);

      registry.current("dish_b");
      registry.current("dish_b");
      registry.current("dish_b");

      String evicted = registry.models().contains("dish_a") ? "dish_b" : "dish_a";
      String kept = evicted.equals("dish_a") ? "dish_b" : "dish_a";
      assertThat(meters.find("model.registry.loaded").tags("model", evicted).gauge()).isNull();
      assertThat(meters.find("model.registry.swaps").tags("model", evicted).functionCounter()).isNull();
      assertThat(meters.find("model.registry.version").tags("model", evicted).gauge()).isNull();
      assertThat(meters.get("model.registry.loaded").tags("model", kept).gauge().value()).isEqualTo(1);
      assertThat(meters.get("model.registry.cache.misses").functionCounter().count()).isEqualTo(2);
      assertThat(meters.get("model.registry.cache.hits").functionCounter().count()).isEqualTo(2);
      assertThat(meters.get("model.registry.cache.remembered.misses").functionCounter().count()).isZero();
      assertThat(meters.get("model.registry.cache.loads").functionCounter().count()).isEqualTo(2);
      assertThat(meters.get("model.registry.cache.evictions").functionCounter().count()).isEqualTo(1);
      assertThat(meters.get("model.registry.cache.size").gauge().value()).isEqualTo(1);
      assertThat(meters.get("model.registry.cache.weight").gauge().value()).isEqualTo(1024);
      assertThat(meters.get("model.registry.cache.load.time").functionTimer().count()).isEqualTo(2);
    }
  }

  @Test
  void canaryShadowAndExperimentMeters() {
    release("rec", 1);
    String v2 = publisher.publish("rec", Publication.builder()
        .file("model.json", LinearModel.constant(0.9f, 2).toJson()).build()).version().value();
    String v3 = publisher.publish("rec", Publication.builder()
        .file("model.json", LinearModel.constant(0.2f, 2).toJson()).build()).version().value();
    publisher.startCanary("rec", v2, 25, null);
    publisher.startShadow("rec", v3, 1.0, null);
    publisher.writeExperiment(new ExperimentDefinition("menu_test", null, true, List.of(
        new ExperimentDefinition.Variant("control", "rec", 50), new ExperimentDefinition.Variant("treatment", "rec", 50))),
        null);
    try (ModelRegistry registry = start(ModelRegistry.builder().model("rec").experiment("menu_test")
        .shadowThreads(1))) {
      for (int i = 0; i < 20; i++) {
        registry.experiment("menu_test").forUnit("user-" + i);
      }
      registry.refresh(); // a poll: the experiment's variants get their counters

      assertThat(meters.get("model.registry.canary.percent").tags("model", "rec", "version", v2).gauge().value())
          .isEqualTo(25);
      assertThat(meters.get("model.registry.shadow.calls").tags("model", "rec", "stable", "v1", "shadow", v3)
          .functionCounter()).isNotNull();
      assertThat(meters.get("model.registry.shadow.agreement").tags("model", "rec").gauge()).isNotNull();
      assertThat(meters.get("model.registry.shadow.difference.p99").tags("model", "rec").gauge()).isNotNull();
      double control = meters.get("model.registry.experiment.assignments")
          .tags("experiment", "menu_test", "variant", "control").functionCounter().count();
      double treatment = meters.get("model.registry.experiment.assignments")
          .tags("experiment", "menu_test", "variant", "treatment").functionCounter().count();
      assertThat(control + treatment).isEqualTo(20);

      publisher.stopShadow("rec", null);
      registry.refresh();
      assertThat(meters.find("model.registry.shadow.calls").tags("model", "rec").functionCounter()).isNull();
    }
  }

  @Test
  void qualityMeters() {
    publisher.publish("win", Publication.builder().file("model.json", LinearModel.constant(0.9f, 2).toJson())
        .metrics(java.util.Map.of("accuracy", 0.72)).build());
    publisher.promote("win", "v1", null);
    dev.modelregistry.testing.ManualScheduler scheduler = new dev.modelregistry.testing.ManualScheduler();
    try (ModelRegistry registry = start(ModelRegistry.builder().model("win")
        .ticker(scheduler.ticker()).scheduler(scheduler)
        .quality("win", dev.modelregistry.QualityPolicy.defaults()))) {
      assertThat(meters.get("model.registry.quality.degraded").tags("model", "win").gauge().value()).isZero();
      for (int i = 0; i < 50; i++) {
        registry.recordOutcome(dev.modelregistry.Outcome.of("win", "v1", new float[] {0.9f}, 0)); // always wrong
      }
      scheduler.advance(java.time.Duration.ofSeconds(1));
      assertThat(meters.get("model.registry.quality.degraded").tags("model", "win").gauge().value()).isEqualTo(1);
      assertThat(meters.get("model.registry.quality.changes")
          .tags("model", "win", "version", "v1", "arm", "stable", "state", "degraded").counter().count()).isEqualTo(1);
    }
  }
}
