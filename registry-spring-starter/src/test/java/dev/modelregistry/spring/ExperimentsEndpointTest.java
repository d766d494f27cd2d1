package dev.modelregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.linear.LinearModel;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The experiments endpoint: lists definitions and assignments, writes a definition only when enabled. */
class ExperimentsEndpointTest {

  @TempDir Path dir;

  @Test
  void writesAnExperimentAsTheUserAndEveryInstanceFollows() {
    InMemoryModelStore store = new InMemoryModelStore();
    ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("test").build();
    for (String model : List.of("rec_a", "rec_b")) {
      publisher.publish(model, Publication.builder().file("model.json", LinearModel.constant(1, 2).toJson()).build());
      publisher.promote(model, "v1", null);
    }
    try (ModelRegistry registry = ModelRegistry.builder().store(store).cacheDirectory(dir).polling(false)
        .model("rec_a").model("rec_b").experiment("rec_algorithm_v1").build()) {
      List<Map<String, Object>> variants = List.of(
          Map.of("name", "control", "model", "rec_a", "weight", 50),
          Map.of("name", "hybrid", "model", "rec_b", "weight", 50));
      SecurityContext alice = new SecurityContext() {
        @Override
        public Principal getPrincipal() {
          return () -> "alice";
        }

        @Override
        public boolean isUserInRole(String role) {
          return true;
        }
      };

      WebEndpointResponse<Map<String, Object>> refused =
          new ExperimentsEndpoint(registry, publisher, false).write("rec_algorithm_v1", variants, null, null, "go", alice);
      assertThat(refused.getStatus()).isEqualTo(403);

      ExperimentsEndpoint endpoint = new ExperimentsEndpoint(registry, publisher, true);
      WebEndpointResponse<Map<String, Object>> written =
          endpoint.write("rec_algorithm_v1", variants, null, null, "launch", alice);
      assertThat(written.getStatus()).isEqualTo(200);
      assertThat(new String(store.get("_experiments/rec_algorithm_v1.json"))).contains("\"updated_by\" : \"alice\"");
      assertThat(registry.experiment("rec_algorithm_v1").forUnit("u1").variant()).isIn("control", "hybrid");
      assertThat(endpoint.experiments().toString()).contains("control").contains("assignments");

      WebEndpointResponse<Map<String, Object>> bad = endpoint.write("rec_algorithm_v1",
          List.of(Map.of("name", "x", "model", "rec_a", "weight", 0.5)), null, null, null, alice);
      assertThat(bad.getStatus()).isEqualTo(400);
    }
  }
}
