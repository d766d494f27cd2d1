package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.BUCKET;
import static dev.modelregistry.s3.S3Bed.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Pointer;
import dev.modelregistry.PointerMove;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Two publishers, each with its own store and client, racing to publish and promote 50 versions each on
 * one bucket with versioning on, so an overwritten object would leave a second version behind.
 */
class S3RacingPublishersTest {

  private static final int EACH = 50;

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();

  private S3Bed bed;

  @BeforeEach
  void start() throws Exception {
    bed = S3Bed.start(s3);
    bed.direct.putBucketVersioning(b -> b.bucket(BUCKET)
        .versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void twoPublishersRacingGetDistinctVersionsOverwriteNothingAndLoseNoPointerMove() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<List<VersionId>>> results = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (String name : List.of("ci-a", "ci-b")) {
      results.add(pool.submit(() -> {
        try (S3ModelStore store = bed.store()) {
          ModelPublisher publisher = ModelPublisher.builder(store).publishedBy(name).build();
          go.await();
          List<VersionId> mine = new ArrayList<>();
          for (int n = 0; n < EACH; n++) {
            VersionId version = publisher.publish(MODEL, S3Bed.constant(n, 0)).version();
            publisher.promote(MODEL, version.value(), name + " #" + n);
            mine.add(version);
          }
          return mine;
        }
      }));
    }
    long started = System.nanoTime();
    go.countDown();
    Set<VersionId> all = new HashSet<>();
    for (Future<List<VersionId>> result : results) {
      all.addAll(result.get(5, TimeUnit.MINUTES));
    }
    pool.shutdown();
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(all).as("distinct versions").hasSize(2 * EACH);
    ModelPublisher reader = ModelPublisher.on(bed.store());
    assertThat(reader.versions(MODEL)).hasSize(2 * EACH)
        .allSatisfy(v -> assertThat(v.state()).isEqualTo(VersionInfo.State.COMPLETE));

    List<PointerMove> history = reader.history(MODEL);
    assertThat(history).hasSize(2 * EACH);
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).sequence()).isEqualTo(i + 1);
      if (i > 0) {
        assertThat(history.get(i).from()).as("move %d starts where move %d ended", i + 1, i)
            .isEqualTo(history.get(i - 1).to());
      }
    }
    Pointer pointer = reader.pointer(MODEL).orElseThrow();
    assertThat(pointer.sequence()).isEqualTo(2 * EACH);
    assertThat(pointer.version()).isEqualTo(history.get(history.size() - 1).to());

    Map<String, Long> versionsPerKey = objectVersions().stream()
        .collect(Collectors.groupingBy(ObjectVersion::key, Collectors.counting()));
    assertThat(versionsPerKey).as("the pointer is written once per move")
        .containsEntry("models/t20_win_predictor/latest.json", (long) 2 * EACH);
    versionsPerKey.remove("models/t20_win_predictor/latest.json");
    assertThat(versionsPerKey).as("the change feed is written once per move, by compare-and-set too")
        .containsEntry("models/_changes.json", (long) 2 * EACH);
    versionsPerKey.remove("models/_changes.json");
    assertThat(versionsPerKey).as("every other object written once").allSatisfy((key, count) ->
        assertThat(count).as(key).isEqualTo(1));
    assertThat(versionsPerKey.keySet().stream().filter(k -> k.contains("/history/"))).hasSize(2 * EACH);

    long claimsLost = bed.proxy.exchanges(r -> r.key().endsWith(".claim.json")).stream()
        .filter(e -> e.status() == 412).count();
    long pointerRetries = bed.proxy.exchanges(r -> r.key().endsWith("latest.json") && r.method().equals("PUT"))
        .stream().filter(e -> e.status() == 412).count();
    Measurements.record("racing publishers 2x" + EACH + ": versions, history records, pointer writes",
        all.size() + ", " + history.size() + ", " + 2 * EACH);
    Measurements.record("racing publishers 2x" + EACH + ": claims refused (412), pointer moves retried (412)",
        claimsLost + ", " + pointerRetries);
    Measurements.record("racing publishers 2x" + EACH + ": wall time ms", tookMs);
  }

  private List<ObjectVersion> objectVersions() {
    List<ObjectVersion> versions = new ArrayList<>();
    bed.direct.listObjectVersionsPaginator(b -> b.bucket(BUCKET)).forEach(page -> versions.addAll(page.versions()));
    return versions;
  }
}
