package dev.modelregistry.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Publication;
import dev.modelregistry.filesystem.FilesystemModelStore;
import dev.modelregistry.linear.LinearModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A required model that no source has: the service starts, but readiness stays refused (and predictions
 * answer 503) until the model is published; then it becomes ready without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MissingModelReadinessTest {

  static final Path STORE;

  static {
    try {
      STORE = Files.createTempDirectory("win-probability-missing").resolve("store");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WinProbabilityServiceTest.storeAt(registry, STORE);
    registry.add("model-registry.fallback-location", () -> "");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessStaysDownUntilTheRequiredModelIsPublished() throws Exception {
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
    assertThat(readiness.body()).contains("OUT_OF_SERVICE");
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.body()).contains("\"models\"").contains("could not be loaded from any source");
    HttpResponse<String> prediction = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/predictions/win-probability"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(prediction.statusCode()).isEqualTo(503);

    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(STORE));
    String version = publisher.publish("t20_win_predictor", Publication.builder()
        .file("model.json", LinearModel.logistic(0.1f, 0, 0, 0, 0, 0).toJson())
        .build()).version().value();
    publisher.promote("t20_win_predictor", version, null);

    await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
  }
}
