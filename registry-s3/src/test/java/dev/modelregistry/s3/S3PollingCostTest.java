package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.MODEL;
import static dev.modelregistry.s3.S3Bed.ROW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.Manifest;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.VersionInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What serving costs in requests and bytes, counted on the wire by {@link FaultProxy}: an unchanged poll
 * is one conditional GET answered 304 without a body; a new version is downloaded once per host; a
 * restart with a warm cache reads the pointer and nothing else.
 */
class S3PollingCostTest {

  /** Bytes of padding in each version, so that a download is plain to see in the counts. */
  private static final int PADDING = 256 * 1024;

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();
  @TempDir Path dir;

  private S3Bed bed;
  private ModelPublisher publisher;

  @BeforeEach
  void start() throws Exception {
    bed = S3Bed.start(s3);
    publisher = ModelPublisher.on(bed.store());
    publisher.publish(MODEL, S3Bed.constant(1, PADDING));
    publisher.promote(MODEL, "v1", null);
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private ModelRegistry host(String cache) {
    return ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(dir.resolve(cache))
        .polling(false)
        .model(MODEL)
        .build();
  }

  @Test
  void aHundredUnchangedPollsAreAHundredRequestsAndDownloadNoModelBytes() {
    try (ModelRegistry registry = host("cache")) {
      bed.proxy.resetCounts();

      for (int i = 0; i < 100; i++) {
        registry.refresh();
      }

      List<FaultProxy.Exchange> exchanges = bed.proxy.exchanges();
      assertThat(exchanges).hasSize(100).allSatisfy(exchange -> {
        assertThat(exchange.request().method()).isEqualTo("GET");
        assertThat(exchange.request().key()).isEqualTo("models/t20_win_predictor/latest.json");
        assertThat(exchange.request().header("If-None-Match")).isNotBlank();
        assertThat(exchange.status()).isEqualTo(304);
        assertThat(exchange.responseBodyBytes()).isZero();
      });
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      Measurements.record("unchanged poll: requests per poll", exchanges.size() / 100.0);
      Measurements.record("unchanged poll: response body bytes per poll",
          exchanges.stream().mapToLong(FaultProxy.Exchange::responseBodyBytes).sum() / 100.0);
      Measurements.record("unchanged poll: request header bytes per poll (average)",
          exchanges.stream().mapToLong(e -> e.request().headBytes()).average().orElse(0));
      Measurements.record("unchanged poll: response header bytes per poll (average, S3Proxy's headers)",
          exchanges.stream().mapToLong(FaultProxy.Exchange::responseHeaderBytes).average().orElse(0));
    }
  }

  @Test
  void aNewVersionIsDownloadedOncePerHostAndARestartWithAWarmCacheDownloadsNothing() {
    ModelRegistry hostA = host("cache-a");
    try (ModelRegistry hostB = host("cache-b")) {
      VersionInfo v2 = publisher.publish(MODEL, S3Bed.constant(2, PADDING));
      publisher.promote(MODEL, "v2", "retrained");
      long versionBytes = v2.manifest().files().stream().mapToLong(Manifest.FileEntry::size).sum();
      bed.proxy.resetCounts();

      for (int i = 0; i < 10; i++) {
        hostA.refresh();
        hostB.refresh();
      }

      assertThat(hostA.current(MODEL).predict(ROW)).containsExactly(2f);
      assertThat(hostB.current(MODEL).predict(ROW)).containsExactly(2f);
      Map<String, Long> artifactGets = bed.proxy.exchanges(r -> r.isGet("") && isArtifactOf(r, "v2")).stream()
          .collect(Collectors.groupingBy(e -> e.request().key(), Collectors.counting()));
      assertThat(artifactGets).as("each file of v2, once per host").containsOnly(
          Map.entry("models/t20_win_predictor/v2/model.json", 2L),
          Map.entry("models/t20_win_predictor/v2/schema.json", 2L),
          Map.entry("models/t20_win_predictor/v2/weights.bin", 2L));
      long downloaded = bodyBytes(r -> isArtifactOf(r, "v2"));
      assertThat(downloaded).isEqualTo(2 * versionBytes);
      Measurements.record("new version: artifact bytes per host (v2 = model.json + schema.json + weights.bin)",
          downloaded / 2);
      List<FaultProxy.Exchange> fetches = bed.proxy.exchanges().stream().filter(e -> e.status() != 304).toList();
      assertThat(fetches).as("per host: the pointer, the manifest, three files").hasSize(2 * 5);
      Measurements.record("new version: requests per host (pointer 200, manifest, 3 files; later polls 304)",
          fetches.size() / 2);
    } finally {
      hostA.close();
    }

    bed.proxy.resetCounts();
    try (ModelRegistry restarted = host("cache-a")) {
      assertThat(restarted.current(MODEL).version()).isEqualTo("v2");
      assertThat(restarted.current(MODEL).source()).isEqualTo(ModelSource.STORE);
      assertThat(bed.proxy.exchanges()).singleElement().satisfies(exchange -> {
        assertThat(exchange.request().key()).isEqualTo("models/t20_win_predictor/latest.json");
        assertThat(exchange.status()).isEqualTo(200);
      });
      Measurements.record("warm-cache restart: requests", bed.proxy.exchanges().size());
      Measurements.record("warm-cache restart: response body bytes (the pointer)", bodyBytes(r -> true));
      Measurements.record("warm-cache restart: artifact bytes", bodyBytes(r -> r.key().contains("/v2/")));
    }
  }

  private static boolean isArtifactOf(FaultProxy.Request request, String version) {
    String folder = "models/" + MODEL + "/" + version + "/";
    return request.key().startsWith(folder) && !request.key().equals(folder + "manifest.json");
  }

  private long bodyBytes(Predicate<FaultProxy.Request> which) {
    return bed.proxy.exchanges(which).stream().mapToLong(FaultProxy.Exchange::responseBodyBytes).sum();
  }
}
