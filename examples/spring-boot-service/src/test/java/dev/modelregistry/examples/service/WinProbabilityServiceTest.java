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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service on a random port: predictions over HTTP, and a new version published and promoted while it
 * runs shows up in responses, health and the models endpoint without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WinProbabilityServiceTest {

  static final List<String> FEATURES =
      List.of("runs_needed", "balls_left", "wickets_left", "current_run_rate", "required_run_rate");

  static final Path STORE;
  static final ModelPublisher PUBLISHER;

  static {
    try {
      Path dir = Files.createTempDirectory("win-probability-test");
      STORE = dir.resolve("store");
      PUBLISHER = ModelPublisher.on(FilesystemModelStore.of(STORE));
      release(PUBLISHER, 0.2f);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Publishes and promotes a logistic model with {@code bias}; returns its version. */
  static String release(ModelPublisher publisher, float bias) {
    String version = publisher.publish("t20_win_predictor", Publication.builder()
        .file("model.json", LinearModel.logistic(bias, -0.012f, 0f, 0.42f, 0.62f, -0.62f).toJson())
        .features(FEATURES)
        .metrics(java.util.Map.of("accuracy", 0.9))
        .build()).version().value();
    publisher.promote("t20_win_predictor", version, "test");
    return version;
  }

  /** The service on the folder store {@code store}, its cache next to it, polling every 200 ms. */
  static void storeAt(DynamicPropertyRegistry registry, Path store) {
    registry.add("model-registry.store.filesystem.root", store::toString);
    registry.add("model-registry.cache-directory", () -> store.resolveSibling("cache").toString());
    registry.add("model-registry.poll-interval", () -> "200ms");
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    storeAt(registry, STORE);
    registry.add("spring.security.user.password", () -> PASSWORD);
  }

  static final String PASSWORD = "test-password-1";

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String[] basicAuth(String user, String password) {
    return new String[] {"Authorization", "Basic " + java.util.Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8))};
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode predict() throws Exception {
    HttpResponse<String> response = post("/predictions/win-probability",
        "{\"runs_needed\": 45, \"balls_left\": 30, \"wickets_left\": 6, \"current_run_rate\": 8.1,"
            + " \"required_run_rate\": 9.0}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  @Test
  void servesPredictionsAndPicksUpANewVersionWithoutARestart() throws Exception {
    JsonNode first = predict();
    assertThat(first.get("model").asString()).isEqualTo("t20_win_predictor");
    String before = first.get("model_version").asString();
    double probability = first.get("probability").asDouble();
    assertThat(probability).isBetween(0.0, 1.0);

    String next = release(PUBLISHER, 1.5f);
    await().atMost(Duration.ofSeconds(20)).until(() -> predict().get("model_version").asString().equals(next));
    assertThat(next).isNotEqualTo(before);
    assertThat(predict().get("probability").asDouble()).isGreaterThan(probability);

    JsonNode health = json.readTree(get("/actuator/health").body());
    JsonNode modelHealth = health.at("/components/models/components/t20_win_predictor");
    assertThat(modelHealth.get("status").asString()).isEqualTo("UP");
    assertThat(modelHealth.at("/details/version").asString()).isEqualTo(next);
    assertThat(modelHealth.at("/details/source").asString()).isEqualTo("store");

    JsonNode models = json.readTree(get("/actuator/models/t20_win_predictor").body());
    assertThat(models.get("version").asString()).isEqualTo(next);
    assertThat(models.get("versions").size()).isGreaterThanOrEqualTo(2);

    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(json.readTree(get("/actuator/metrics/model.registry.swaps").body()).at("/measurements/0/value")
        .asDouble()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aMissingFeatureIsABadRequestNamingIt() throws Exception {
    HttpResponse<String> response = post("/predictions/win-probability", "{\"runs_needed\": 45}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("feature").contains("is missing").contains("t20_win_predictor");
  }

  @Test
  void writeOperationsOfTheEndpointAreOffByDefault() throws Exception {
    String[] admin = basicAuth("model-admin", PASSWORD);
    HttpResponse<String> response =
        post("/actuator/models/t20_win_predictor", "{\"action\": \"pin\", \"version\": \"v1\"}", admin);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("write-operations-enabled");
    assertThat(post("/actuator/models/t20_win_predictor", "{\"action\": \"refresh\"}", admin).statusCode()).isEqualTo(200);
  }

  @Test
  void theEndpointsPostsNeedAnAdmin() throws Exception {
    assertThat(post("/actuator/models/t20_win_predictor", "{\"action\": \"refresh\"}").statusCode()).isEqualTo(401);
    assertThat(post("/actuator/models", "").statusCode()).isEqualTo(401);
    assertThat(post("/actuator/models/t20_win_predictor", "{\"action\": \"refresh\"}",
        basicAuth("model-admin", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/models").statusCode()).isEqualTo(200);
  }

  @Test
  void prometheusScrapesTheRegistrysMeters() throws Exception {
    predict();
    HttpResponse<String> response = get("/actuator/prometheus");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("model_registry_version{")
        .contains("model_registry_loaded{model=\"t20_win_predictor\"}")
        .contains("model_registry_poll_seconds_count{")
        .contains("model_registry_predictions_seconds_count{")
        .contains("model_registry_staleness_seconds{");
  }
}
