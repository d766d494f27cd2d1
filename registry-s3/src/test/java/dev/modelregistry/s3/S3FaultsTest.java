package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.BUCKET;
import static dev.modelregistry.s3.S3Bed.MODEL;
import static dev.modelregistry.s3.S3Bed.ROW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelregistry.ClasspathModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.ModelStatus.PollResult;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 misbehaving, injected on the wire between the client and a real S3 protocol server by {@link
 * FaultProxy}: the host keeps serving what it has, reports the failure, and recovers by itself.
 */
class S3FaultsTest {

  private static final Duration RECOVERY = Duration.ofSeconds(60);
  private static final String V2 = "models/" + MODEL + "/v2/";

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();
  @TempDir Path dir;

  private S3Bed bed;
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private ModelPublisher publisher() {
    return ModelPublisher.on(S3ModelStore.builder().client(bed.direct).bucket(BUCKET).build());
  }

  private ModelRegistry.Builder host(String cache) {
    return ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(dir.resolve(cache))
        .model(MODEL)
        .listener(new RegistryListener() {
          @Override
          public void onEvent(RegistryEvent event) {
            events.add(event);
          }
        });
  }

  /** v1 published and promoted (output 1), and v2 published (output 2, with {@code padding} bytes extra). */
  private ModelPublisher v1ServedAndV2Published(int padding) {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, S3Bed.constant(1, 0));
    publisher.promote(MODEL, "v1", null);
    publisher.publish(MODEL, S3Bed.constant(2, padding));
    return publisher;
  }

  private static float served(ModelRegistry registry) {
    return registry.current(MODEL).predict(ROW)[0];
  }

  // ------------------------------------------------------------------ unreachable at start

  @Test
  void unreachableAtStartTheCacheServesThenTheStoreOnceItAnswers() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (ModelRegistry earlier = host("cache").polling(false).build()) {
      assertThat(served(earlier)).isEqualTo(1f);
    }
    publisher.promote(MODEL, "v2", "while the host was down");
    bed.proxy.down();

    try (ModelRegistry registry = host("cache").pollInterval(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(1))
        .build()) {
      assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.CACHE);
      assertThat(served(registry)).isEqualTo(1f);
      assertThat(registry.status(MODEL).lastFailure().message()).contains("S3 could not be reached");

      bed.proxy.up();

      await().atMost(RECOVERY).until(() -> registry.current(MODEL).source() == ModelSource.STORE);
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  @Test
  void unreachableAtStartWithAColdCacheTheBundleServesThenTheStoreOnceItAnswers() throws Exception {
    bed = S3Bed.start(s3);
    v1ServedAndV2Published(0);
    bed.proxy.down();

    try (ModelRegistry registry = host("cache").fallback(ClasspathModelStore.of("bundled-models"))
        .pollInterval(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(1)).build()) {
      assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
      assertThat(served(registry)).isEqualTo(0.42f);

      bed.proxy.up();

      await().atMost(RECOVERY).until(() -> registry.current(MODEL).source() == ModelSource.STORE);
      assertThat(served(registry)).isEqualTo(1f);
    }
  }

  // ------------------------------------------------------------------ mid-download

  @Test
  void aConnectionDroppedMidDownloadIsResumedWithinTheSameLoad() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(2 << 20);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      bed.proxy.inject(r -> r.isGet(V2 + "weights.bin"), new FaultProxy.Fault.CutBody(700_000), 1);
      publisher.promote(MODEL, "v2", null);

      registry.refresh();

      assertThat(served(registry)).isEqualTo(2f);
      List<FaultProxy.Exchange> gets = bed.proxy.exchanges(r -> r.isGet(V2 + "weights.bin"));
      assertThat(gets).hasSize(2);
      assertThat(gets.get(0).responseBodyBytes()).isEqualTo(700_000);
      assertThat(gets.get(1).request().header("Range")).isEqualTo("bytes=700000-");
      assertThat(gets.get(1).request().header("If-Match")).isNotBlank();
      assertThat(gets.get(1).status()).isEqualTo(206);
      assertThat(gets.get(0).responseBodyBytes() + gets.get(1).responseBodyBytes()).isEqualTo(2 << 20);
    }
  }

  @Test
  void aDownloadThatKeepsBreakingIsNeverServedAndIsRetriedWithBackoffUntilItSucceeds() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(2 << 20);
    try (ModelRegistry registry = host("cache").pollInterval(Duration.ofMillis(100))
        .maxBackoff(Duration.ofSeconds(2)).build()) {
      bed.proxy.injectAlways(r -> r.isGet(V2 + "weights.bin"), new FaultProxy.Fault.CutBody(500_000));
      publisher.promote(MODEL, "v2", null);

      await().atMost(RECOVERY).until(() -> loadFailures("v2") >= 3);
      ModelStatus status = registry.status(MODEL);
      assertThat(status.lastFailure().version()).isEqualTo("v2");
      assertThat(status.lastFailure().message()).contains("weights.bin", "failed at byte 2000000 of 2097152",
          "after 3 resumed attempts");
      assertThat(status.pointerVersion()).isEqualTo("v2");
      assertThat(served(registry)).isEqualTo(1f);
      assertThat(dir.resolve("cache").resolve(MODEL).resolve("v2")).as("no partial version in the cache")
          .doesNotExist();
      long polls = events.stream().filter(RegistryEvent.Polled.class::isInstance).count();
      assertThat(loadFailures("v2")).as("loads are retried with backoff, not on each poll").isLessThan(polls);
      Measurements.record("download that keeps breaking: polls, load attempts (each 1 GET + 3 resumes)",
          polls + ", " + loadFailures("v2"));

      bed.proxy.clearFaults();

      await().atMost(RECOVERY).until(() -> "v2".equals(registry.current(MODEL).version()));
      assertThat(served(registry)).isEqualTo(2f);
      assertThat(registry.status(MODEL).lastFailure()).isNull();
    }
    try (Stream<Path> staging = Files.list(dir.resolve("cache").resolve(MODEL).resolve(".staging"))) {
      assertThat(staging).as("no partial download left behind").isEmpty();
    }
  }

  private long loadFailures(String version) {
    return events.stream()
        .filter(e -> e instanceof RegistryEvent.LoadFailed failed && version.equals(failed.version()))
        .count();
  }

  // ------------------------------------------------------------------ 5xx and timeouts

  @Test
  void slowDownAnswersAreRetriedByTheSdkWithJitterAndThenFailThePollWhileTheOldVersionServes() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      publisher.promote(MODEL, "v2", null);
      bed.proxy.inject(r -> r.isGet("latest.json"), new FaultProxy.Fault.Respond(503, "SlowDown"), 2);

      registry.refresh();

      assertThat(bed.proxy.exchanges(r -> r.isGet("latest.json"))).extracting(FaultProxy.Exchange::status)
          .as("two SlowDowns, then the SDK's third attempt gets through").endsWith(503, 503, 200);
      assertThat(served(registry)).isEqualTo(2f);

      publisher.promote(MODEL, "v1", "roll back");
      bed.proxy.resetCounts();
      bed.proxy.injectAlways(r -> r.isGet("latest.json"), new FaultProxy.Fault.Respond(503, "SlowDown"));
      registry.refresh();
      registry.refresh();

      assertThat(bed.proxy.exchanges()).as("3 attempts per poll").hasSize(6);
      ModelStatus status = registry.status(MODEL);
      assertThat(status.lastPoll()).isEqualTo(PollResult.FAILED);
      assertThat(status.consecutiveFailures()).isEqualTo(2);
      assertThat(status.lastFailure().message()).contains("latest.json", "503 SlowDown", "asked to slow down");
      assertThat(served(registry)).isEqualTo(2f);

      bed.proxy.clearFaults();
      registry.refresh();
      assertThat(served(registry)).isEqualTo(1f);
      assertThat(registry.status(MODEL).lastFailure()).isNull();
    }
  }

  @Test
  void aConnectionResetBeforeAnyAnswerIsRetriedByTheSdk() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      publisher.promote(MODEL, "v2", null);
      bed.proxy.resetCounts();
      bed.proxy.inject(r -> r.isGet("latest.json"), new FaultProxy.Fault.Reset(), 2);

      registry.refresh();

      assertThat(bed.proxy.exchanges(r -> r.isGet("latest.json"))).extracting(FaultProxy.Exchange::status)
          .containsExactly(0, 0, 200);
      assertThat(registry.status(MODEL).lastPoll()).isEqualTo(PollResult.CHANGED);
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  @Test
  void failingPollsBackOffExponentiallyAndRecoverByThemselves() throws Exception {
    bed = S3Bed.start(s3, 1, Duration.ofSeconds(10));
    ModelPublisher publisher = v1ServedAndV2Published(0);
    dev.modelregistry.testing.ManualScheduler scheduler = new dev.modelregistry.testing.ManualScheduler();
    try (ModelRegistry registry = host("cache").pollInterval(Duration.ofMillis(100)).pollJitter(0)
        .maxBackoff(Duration.ofSeconds(3)).ticker(scheduler.ticker()).scheduler(scheduler)
        .loaderExecutor(Runnable::run).build()) {
      bed.proxy.injectAlways(r -> r.isGet("latest.json"), new FaultProxy.Fault.Respond(500, "InternalError"));
      bed.proxy.resetCounts();
      // Every 100 ms that would be 40 polls in 4 s; doubling from 100 ms up to 3 s, they come at 0.1, 0.3,
      // 0.7, 1.5 and 3.1 s.
      long[] pollsAt = {100, 300, 700, 1500, 3100};
      long now = 0;
      for (int i = 0; i < pollsAt.length; i++) {
        scheduler.advance(Duration.ofMillis(pollsAt[i] - now - 1));
        assertThat(bed.proxy.exchanges(r -> r.isGet("latest.json"))).as("before poll %d", i + 1).hasSize(i);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(bed.proxy.exchanges(r -> r.isGet("latest.json"))).as("poll %d", i + 1).hasSize(i + 1);
        now = pollsAt[i];
      }
      scheduler.advance(Duration.ofMillis(4000 - now));
      long failedPolls = bed.proxy.exchanges(r -> r.isGet("latest.json")).size();
      assertThat(failedPolls).isEqualTo(5);
      assertThat(served(registry)).isEqualTo(1f);
      Measurements.record("500 on every poll, 100 ms interval, 3 s max backoff: polls in 4 s", failedPolls);

      publisher.promote(MODEL, "v2", null);
      bed.proxy.clearFaults();

      scheduler.advance(Duration.ofSeconds(3));
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
      assertThat(registry.status(MODEL).consecutiveFailures()).isZero();
    }
  }

  @Test
  void aStalledAnswerTimesOutIsRetriedAndFailsThePollWhileTheOldVersionServes() throws Exception {
    bed = S3Bed.start(s3, 2, Duration.ofSeconds(1));
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      publisher.promote(MODEL, "v2", null);
      bed.proxy.resetCounts();
      bed.proxy.injectAlways(r -> r.isGet("latest.json"), new FaultProxy.Fault.Stall(Duration.ofSeconds(3)));

      registry.refresh();

      assertThat(bed.proxy.exchanges()).as("2 attempts, each given up after 1 s").hasSize(2);
      assertThat(registry.status(MODEL).lastFailure().message()).contains("latest.json", "did not answer in time");
      assertThat(served(registry)).isEqualTo(1f);

      bed.proxy.clearFaults();
      registry.refresh();
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  // ------------------------------------------------------------------ the pointer refused or gone

  @Test
  void accessDeniedOnThePointerIsAClearErrorAndTheOldVersionServes() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (LogCapture logs = LogCapture.registry(Level.INFO); ModelRegistry registry = host("cache").polling(false)
        .build()) {
      publisher.promote(MODEL, "v2", null);
      bed.proxy.injectAlways(r -> r.isGet("latest.json"), new FaultProxy.Fault.Respond(403, "AccessDenied"));

      registry.refresh();

      ModelStatus status = registry.status(MODEL);
      assertThat(status.lastPoll()).isEqualTo(PollResult.FAILED);
      assertThat(status.lastFailure().message()).contains(
          "reading s3://cricksy-ml-models/models/t20_win_predictor/latest.json failed", "403 AccessDenied",
          "s3:GetObject");
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN").contains("poll failed",
          "403 AccessDenied"));
      assertThat(served(registry)).isEqualTo(1f);

      bed.proxy.clearFaults();
      registry.refresh();
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  @Test
  void aPointerThatDisappearsLeavesTheOldVersionServingUntilItIsBack() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = v1ServedAndV2Published(0);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      bed.deleteAsScript("models/" + MODEL + "/latest.json");

      registry.refresh();

      assertThat(bed.proxy.exchanges(r -> r.isGet("latest.json"))).last()
          .extracting(FaultProxy.Exchange::status).isEqualTo(404);
      ModelStatus status = registry.status(MODEL);
      assertThat(status.lastPoll()).isEqualTo(PollResult.NO_POINTER);
      assertThat(status.pointerVersion()).isNull();
      assertThat(status.version()).isEqualTo("v1");
      assertThat(served(registry)).isEqualTo(1f);

      publisher.promote(MODEL, "v2", "pointer restored");
      registry.refresh();
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  // ------------------------------------------------------------------ half-uploaded versions

  @Test
  void aPointerNamingAVersionWhosePublishDidNotFinishIsRefusedUntilItsManifestAppears() throws Exception {
    bed = S3Bed.start(s3);
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, S3Bed.constant(1, 0));
    publisher.promote(MODEL, "v1", null);
    // A publisher that dies after claiming v2 and uploading its files, before its manifest.
    S3ModelStore failing = bed.store();
    bed.proxy.injectAlways(r -> r.method().equals("PUT") && r.key().endsWith("/manifest.json"),
        new FaultProxy.Fault.Respond(403, "AccessDenied"));
    assertThatThrownBy(() -> ModelPublisher.on(failing).publish(MODEL, S3Bed.constant(2, 0)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("manifest.json");
    bed.proxy.clearFaults();

    try (ModelRegistry registry = host("cache").polling(false).build()) {
      bed.putAsScript("models/" + MODEL + "/latest.json", "{\"version\": \"v2\"}");
      registry.refresh();

      assertThat(registry.status(MODEL).lastFailure().message()).contains("v2", "is incomplete",
          "has not written manifest.json yet");
      assertThat(served(registry)).isEqualTo(1f);

      // The publish completes: v2's manifest is written last, as the publisher does.
      publisher.publish(MODEL, S3Bed.constant(2, 0));
      bed.putAsScript(V2 + "manifest.json", manifestOf("v3", "v2"));
      registry.refresh();

      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  @Test
  void aPointerFlippedByAScriptBeforeItsUploadIsRefusedUntilTheFilesArrive() throws Exception {
    bed = S3Bed.start(s3);
    publisher().publish(MODEL, S3Bed.constant(1, 0));
    publisher().promote(MODEL, "v1", null);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      flipAsScript("v2");
      registry.refresh();

      assertThat(registry.status(MODEL).lastFailure().message()).contains("v2", "the store has no such version");
      assertThat(served(registry)).isEqualTo(1f);

      bed.putAsScript(V2 + "model.json", S3Bed.linearModelJson(2));
      bed.putAsScript(V2 + "schema.json", "{\"features\": [\"home_win_pct\", \"away_win_pct\", \"run_rate\"]}");
      registry.refresh();
      assertThat(served(registry)).isEqualTo(2f);
    }
  }

  @Test
  void aPointerFlippedByAScriptWhileTheModelFileIsMissingIsRefused() throws Exception {
    bed = S3Bed.start(s3);
    publisher().publish(MODEL, S3Bed.constant(1, 0));
    publisher().promote(MODEL, "v1", null);
    try (ModelRegistry registry = host("cache").polling(false).build()) {
      bed.putAsScript(V2 + "schema.json", "{\"features\": [\"home_win_pct\", \"away_win_pct\", \"run_rate\"]}");
      flipAsScript("v2");
      registry.refresh();

      assertThat(registry.status(MODEL).lastFailure().message()).contains("v2", "cannot tell the format");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      assertThat(served(registry)).isEqualTo(1f);
    }
  }

  private void flipAsScript(String version) {
    bed.putAsScript("models/" + MODEL + "/latest.json",
        "{\"version\": \"" + version + "\", \"s3_prefix\": \"models/t20_win_predictor/" + version + "\"}");
  }

  /** The manifest of {@code from}, rewritten to describe {@code to}, whose files are the same. */
  private byte[] manifestOf(String from, String to) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(bed.direct.getObjectAsBytes(
        b -> b.bucket(BUCKET).key("models/" + MODEL + "/" + from + "/manifest.json")).asByteArray());
    assertThat(manifest.path("version").asText()).isEqualTo(from);
    manifest.put("version", to);
    return json.writeValueAsBytes(manifest);
  }
}
