package dev.modelregistry.examples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.PointerMove;
import dev.modelregistry.filesystem.FilesystemModelStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's Spring Security setup, with write operations on: an admin's POST over HTTP basic promotes
 * and rolls back (CSRF does not get in the way), and the history records the admin's name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EndpointSecurityTest {

  static final String MODEL = "t20_win_predictor";
  static final Path STORE;
  static final ModelPublisher PUBLISHER;

  static {
    try {
      STORE = Files.createTempDirectory("endpoint-security-test").resolve("store");
      PUBLISHER = ModelPublisher.on(FilesystemModelStore.of(STORE));
      WinProbabilityServiceTest.release(PUBLISHER, 0.2f);
      WinProbabilityServiceTest.release(PUBLISHER, 0.8f);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WinProbabilityServiceTest.storeAt(registry, STORE);
    registry.add("model-registry.endpoint.write-operations-enabled", () -> "true");
    registry.add("spring.security.user.name", () -> "alice");
    registry.add("spring.security.user.password", () -> "alice-password-1");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String body, String... auth) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/models/" + MODEL))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth.length > 0) {
      request.headers(auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAdminPromotesAndRollsBackAndTheHistorySaysWho() throws Exception {
    String[] alice = WinProbabilityServiceTest.basicAuth("alice", "alice-password-1");
    int moves = PUBLISHER.history(MODEL).size();

    HttpResponse<String> rollback = post("{\"action\": \"rollback\", \"reason\": \"v2 misbehaves\"}", alice);
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
    assertThat(rollback.body()).contains("\"version\":\"v1\"");
    HttpResponse<String> promote = post("{\"action\": \"promote\", \"version\": \"v2\", \"reason\": \"fixed\"}", alice);
    assertThat(promote.statusCode()).as(promote.body()).isEqualTo(200);

    List<PointerMove> history = PUBLISHER.history(MODEL);
    assertThat(history).hasSize(moves + 2);
    assertThat(history.subList(moves, moves + 2)).extracting(PointerMove::by).containsExactly("alice", "alice");
    assertThat(history.subList(moves, moves + 2)).extracting(PointerMove::action).containsExactly("rollback", "promote");
    assertThat(PUBLISHER.pointer(MODEL).orElseThrow().updatedBy()).isEqualTo("alice");
  }

  @Test
  void withoutCredentialsNothingMoves() throws Exception {
    int moves = PUBLISHER.history(MODEL).size();
    assertThat(post("{\"action\": \"rollback\"}").statusCode()).isEqualTo(401);
    assertThat(post("{\"action\": \"rollback\"}", WinProbabilityServiceTest.basicAuth("alice", "guess")).statusCode())
        .isEqualTo(401);
    assertThat(PUBLISHER.history(MODEL)).hasSize(moves);
  }
}
