package dev.modelregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.filesystem.FilesystemModelStore;
import dev.modelregistry.linear.LinearModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Discovery from properties: models loaded on first use get health and meters, which go when evicted. */
class ManyModelsAutoConfigurationTest {

  @TempDir Path dir;

  @BeforeEach
  void publish() {
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(dir.resolve("store")));
    for (String dish : new String[] {"dish_a", "dish_b", "tracker01"}) {
      publisher.promote(dish, publisher.publish(dish, Publication.builder()
          .file("model.json", LinearModel.constant(0.5f, 2).toJson()).build()).version().value(), null);
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            ModelRegistryAutoConfiguration.class,
            ModelRegistryHealthAutoConfiguration.class,
            ModelRegistryMetricsAutoConfiguration.class,
            HealthContributorAutoConfiguration.class))
        .withPropertyValues(
            "model-registry.store.filesystem.root=" + dir.resolve("store"),
            "model-registry.cache-directory=" + dir.resolve("cache"),
            "model-registry.discovery.enabled=true",
            "model-registry.discovery.prefix=dish_",
            "model-registry.discovery.maximum-models=1",
            "model-registry.discovery.expire-after-access=30m",
            "model-registry.load-timeout=1m",
            "model-registry.full-scan-every=5");
  }

  @Test
  void discoveredModelsComeAndGoInHealthAndMetrics() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      MeterRegistry meters = new SimpleMeterRegistry();
      context.getBean(ModelRegistryMetrics.class).bindTo(meters);
      CompositeHealthContributor health = context.getBean("modelsHealthContributor", CompositeHealthContributor.class);
      assertThat(health.stream()).isEmpty();

      registry.current("dish_a").predict(new float[] {1, 1});

      assertThat(((HealthIndicator) health.getContributor("dish_a")).health().getStatus()).isEqualTo(Status.UP);
      assertThat(meters.get("model.registry.loaded").tags("model", "dish_a").gauge().value()).isEqualTo(1);
      assertThat(registry.models()).containsExactly("dish_a");

      for (int i = 0; i < 3; i++) {
        registry.current("dish_b");
      }
      org.awaitility.Awaitility.await().until(() -> registry.models().size() == 1
          && meters.find("model.registry.loaded").gauges().size() == 1);
      String gone = registry.models().contains("dish_a") ? "dish_b" : "dish_a";
      assertThat(health.getContributor(gone)).isNull();
      assertThat(meters.find("model.registry.loaded").tags("model", gone).gauge()).isNull();
      assertThat(meters.get("model.registry.cache.evictions").functionCounter().count()).isEqualTo(1);
      assertThat(registry.models()).doesNotContain("tracker01");
    });
  }

  @Test
  void aNameNoSourceHasIsRememberedForTheConfiguredTime() {
    runner().run(context -> {
      assertThat(context.getBean(ModelRegistryProperties.class).getDiscovery().getMissingModelTtl())
          .isEqualTo(java.time.Duration.ofSeconds(30));
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.current("dish_new"))
          .isInstanceOf(dev.modelregistry.ModelNotFoundException.class);
      publishDish("dish_new");

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.current("dish_new"))
          .hasMessageContaining("remembered for up to 30000 ms");
      assertThat(registry.loadedModelsStats().rememberedMisses()).isEqualTo(1);
    });
    runner().withPropertyValues("model-registry.discovery.missing-model-ttl=0").run(context -> {
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.current("dish_other"))
          .isInstanceOf(dev.modelregistry.ModelNotFoundException.class);
      publishDish("dish_other");

      assertThat(registry.current("dish_other").predict(new float[] {1, 1})).containsExactly(0.5f);
    });
  }

  private void publishDish(String dish) {
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(dir.resolve("store")));
    publisher.promote(dish, publisher.publish(dish, Publication.builder()
        .file("model.json", LinearModel.constant(0.5f, 2).toJson()).build()).version().value(), null);
  }
}
