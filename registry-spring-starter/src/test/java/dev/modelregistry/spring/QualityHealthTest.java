package dev.modelregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.Arm;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Outcome;
import dev.modelregistry.Publication;
import dev.modelregistry.QualityPolicy;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A model whose quality degraded stays UP (it serves), with the degradation in its health details. */
class QualityHealthTest {

  @TempDir Path dir;

  @Test
  void aDegradedModelIsUpWithItsBreachesInTheDetails() {
    InMemoryModelStore store = new InMemoryModelStore();
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("t20", Publication.builder().file("model.json", LinearModel.constant(1, 2).toJson())
        .metrics(Map.of("accuracy", 0.72)).build());
    publisher.promote("t20", "v1", null);
    ManualScheduler scheduler = new ManualScheduler();
    try (ModelRegistry registry = ModelRegistry.builder().store(store).cacheDirectory(dir).polling(false)
        .ticker(scheduler.ticker()).scheduler(scheduler).loaderExecutor(Runnable::run)
        .model("t20").quality("t20", QualityPolicy.defaults()).build()) {
      for (int i = 0; i < 50; i++) {
        registry.recordOutcome(Outcome.of("t20", "v1", Arm.STABLE, new float[] {0.9f}, 0)); // always wrong
      }
      scheduler.advance(Duration.ofSeconds(1));

      Health health = ModelRegistryHealthContributor.health(registry, "t20", Clock.systemUTC());
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      @SuppressWarnings("unchecked")
      Map<String, Object> quality = (Map<String, Object>) health.getDetails().get("quality");
      assertThat(quality).containsEntry("state", "degraded");
      assertThat(quality.get("arms").toString()).contains("accuracy 0 < 0.72 - 0.05 over the last 50 outcomes");
    }
  }
}
