package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.ACCESS_KEY;
import static dev.modelregistry.s3.S3Bed.BUCKET;
import static dev.modelregistry.s3.S3Bed.MODEL;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.modelregistry.ClasspathModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Credentials, signatures and presigned-URL parameters never appear in what the registry logs (its own
 * loggers at TRACE, the SDK's at DEBUG) or in the messages of what it throws, even when S3 refuses the
 * signature or the access key, or cannot be reached.
 */
class S3CredentialHygieneTest {

  private static final String WRONG_SECRET = "wrong-secret-Kd83hQ0zZp1r7YvA";
  private static final List<String> NEVER = List.of(S3Bed.SECRET_KEY, WRONG_SECRET, ACCESS_KEY,
      "Signature=", "Credential=", "X-Amz-Signature", "X-Amz-Credential", "Authorization");
  private static final Pattern SIGNATURE = Pattern.compile("Signature=([0-9a-f]{64})");

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();
  @TempDir Path cache;

  private S3Bed bed;
  private final List<String> thrown = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = ModelPublisher.on(bed.store());
    publisher.publish(MODEL, S3Bed.constant(1, 0));
    publisher.promote(MODEL, "v1", null);
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void noSecretReachesALogLineOrAnExceptionMessage() throws Exception {
    List<String> lines;
    try (LogCapture logs = new LogCapture(Map.of("dev.modelregistry", Level.TRACE, "software.amazon.awssdk",
        Level.DEBUG));
        S3Client wrongSecret = S3Bed.client(bed.proxy.uri(), WRONG_SECRET, 2, Duration.ofSeconds(10))) {
      S3ModelStore refused = S3ModelStore.builder().client(wrongSecret).bucket(BUCKET).build();
      exercise(refused);
      try (ModelRegistry registry = ModelRegistry.builder()
          .store(refused)
          .fallback(ClasspathModelStore.of("bundled-models"))
          .cacheDirectory(cache)
          .polling(false)
          .model(MODEL)
          .build()) {
        assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
        registry.refresh();
        thrown.add(String.valueOf(registry.status(MODEL).lastFailure()));
      }
      try {
        ModelPublisher.on(refused).publish(MODEL, S3Bed.constant(2, 0));
      } catch (RuntimeException e) {
        collect(e);
      }

      bed.proxy.down();
      exercise(bed.store());
      lines = logs.lines();
    }

    assertThat(thrown).as("refusals and failures were provoked").hasSizeGreaterThan(6)
        .anySatisfy(m -> assertThat(m).contains("403 SignatureDoesNotMatch"))
        .anySatisfy(m -> assertThat(m).contains("S3 could not be reached"));
    assertThat(lines).as("the registry and the SDK logged").isNotEmpty();
    List<String> never = new ArrayList<>(NEVER);
    for (FaultProxy.Exchange exchange : bed.proxy.exchanges()) {
      Matcher signature = SIGNATURE.matcher(String.valueOf(exchange.request().header("Authorization")));
      if (signature.find()) {
        never.add(signature.group(1)); // each signature the client sent
      }
    }
    assertThat(never).as("signatures seen on the wire").hasSizeGreaterThan(NEVER.size() + 10);
    for (String secret : never) {
      assertThat(thrown).as("exception messages").noneSatisfy(m -> assertThat(m).contains(secret));
      assertThat(lines).as("log lines").noneSatisfy(line -> assertThat(line).contains(secret));
    }
  }

  /** Calls every store operation, collecting what each throws. */
  private void exercise(S3ModelStore store) {
    attempt(() -> store.read("t20_win_predictor/latest.json", null));
    attempt(() -> store.read("t20_win_predictor/latest.json", "\"etag\""));
    attempt(() -> store.open("t20_win_predictor/v1/model.json").close());
    attempt(() -> store.list("t20_win_predictor"));
    attempt(() -> store.create("t20_win_predictor/v9/.claim.json", "{}".getBytes(UTF_8)));
    attempt(() -> store.replace("t20_win_predictor/latest.json", "{}".getBytes(UTF_8), "\"etag\""));
    attempt(() -> store.write("t20_win_predictor/v9/model.json", new ByteArrayInputStream(new byte[3]), 3));
  }

  private interface Call {
    void run() throws Exception;
  }

  private void attempt(Call call) {
    try {
      call.run();
    } catch (Exception e) {
      collect(e);
    }
  }

  /** Every message of the chain, and each exception's {@code toString()}, as a log or a trace would show. */
  private void collect(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      thrown.add(String.valueOf(t));
      for (Throwable suppressed : t.getSuppressed()) {
        thrown.add(String.valueOf(suppressed));
      }
    }
  }
}
