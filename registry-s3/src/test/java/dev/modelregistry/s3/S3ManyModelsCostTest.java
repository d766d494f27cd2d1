package dev.modelregistry.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ExperimentDefinition;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelDiscovery;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.testing.ManualScheduler;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What polling costs with 1,000 models and an experiment, counted on the wire by {@link FaultProxy}: with the
 * change feed an unchanged poll is one conditional GET answered 304 without a body, a promotion costs the
 * feed, that model's pointer and that version's files, and an experiment write costs the feed and that
 * experiment's file.
 */
class S3ManyModelsCostTest {

  private static final int MODELS = 1_000;
  private static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final String EXPERIMENT = "menu_test";

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();
  @TempDir Path dir;

  private S3Bed bed;
  private ModelPublisher publisher;
  private final ManualScheduler scheduler = new ManualScheduler();

  @BeforeEach
  void start() throws Exception {
    bed = S3Bed.start(s3);
    // Published in memory, then copied object by object straight to the server (not through the counting
    // proxy): the same layout, feed included, in a quarter of the requests of publishing over S3.
    InMemoryModelStore memory = new InMemoryModelStore();
    ModelPublisher inMemory = ModelPublisher.on(memory);
    for (int i = 0; i < MODELS; i++) {
      String model = name(i);
      inMemory.promote(model, inMemory.publish(model, S3Bed.constant(i, 0)).version().value(), null);
    }
    inMemory.writeExperiment(experiment(50), null);
    S3ModelStore direct = S3ModelStore.builder().client(bed.direct).bucket(S3Bed.BUCKET).build();
    ExecutorService copiers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> copies = new ArrayList<>();
      for (String key : memory.keys()) {
        if (!key.contains("/history/") && !key.endsWith("/.claim.json")) {
          byte[] content = java.util.Objects.requireNonNull(memory.get(key));
          copies.add(copiers.submit(() -> {
            direct.write(key, new ByteArrayInputStream(content), content.length);
            return null;
          }));
        }
      }
      for (Future<?> copy : copies) {
        copy.get();
      }
    } finally {
      copiers.shutdownNow();
    }
    publisher = ModelPublisher.on(direct);
  }

  private static ExperimentDefinition experiment(int weightOfB) {
    return new ExperimentDefinition(EXPERIMENT, null, true, List.of(
        new ExperimentDefinition.Variant("a", name(0), 100 - weightOfB),
        new ExperimentDefinition.Variant("b", name(1), weightOfB)));
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private static String name(int i) {
    return String.format("dish_%04d", i);
  }

  @Test
  void aThousandModelsCostOneRequestPerUnchangedPollAndAPromotionCostsOnlyWhatChanged() {
    try (ModelRegistry registry = ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(dir.resolve("cache"))
        .discover(ModelDiscovery.prefix("dish_"))
        .model(name(0))
        .model(name(1))
        .experiment(EXPERIMENT)
        .pollInterval(INTERVAL)
        .pollJitter(0)
        .ticker(scheduler.ticker())
        .scheduler(scheduler)
        .loaderExecutor(Runnable::run)
        .build()) {
      for (int i = 0; i < MODELS; i++) {
        assertThat(registry.current(name(i)).predict(S3Bed.ROW)).containsExactly((float) i);
      }
      scheduler.advance(INTERVAL); // the first read of the feed: 200, with its body
      bed.proxy.resetCounts();

      for (int i = 0; i < 10; i++) {
        scheduler.advance(INTERVAL);
      }

      // the tenth poll is the full scan, which reads every pointer: look at the nine before it
      List<FaultProxy.Exchange> unchanged = bed.proxy.exchanges().subList(0, 9);
      assertThat(unchanged).allSatisfy(exchange -> {
        assertThat(exchange.request().key()).isEqualTo("models/_changes.json");
        assertThat(exchange.request().header("If-None-Match")).isNotBlank();
        assertThat(exchange.status()).isEqualTo(304);
        assertThat(exchange.responseBodyBytes()).isZero();
      });
      List<FaultProxy.Exchange> fullScan = bed.proxy.exchanges().subList(9, bed.proxy.exchanges().size());
      assertThat(fullScan).hasSize(1 + MODELS + 1).allSatisfy(e -> assertThat(e.status()).isEqualTo(304));
      assertThat(fullScan).extracting(e -> e.request().key()).contains("models/_experiments/" + EXPERIMENT + ".json");
      Measurements.record("1,000 models and an experiment, unchanged poll with the change feed: requests", 1);
      Measurements.record("1,000 models and an experiment, unchanged poll with the change feed: response body"
          + " bytes", 0);
      Measurements.record("1,000 models, full scan (every 10th poll by default): requests", fullScan.size());

      String model = name(500);
      publisher.promote(model, publisher.publish(model, S3Bed.constant(5000, 0)).version().value(), "retrained");
      bed.proxy.resetCounts();

      scheduler.advance(INTERVAL);

      List<FaultProxy.Exchange> promoted = bed.proxy.exchanges();
      assertThat(promoted.get(0).request().key()).isEqualTo("models/_changes.json");
      assertThat(promoted.get(0).status()).isEqualTo(200);
      assertThat(promoted.get(1).request().key()).isEqualTo("models/" + model + "/latest.json");
      assertThat(promoted.subList(2, promoted.size())).extracting(e -> e.request().key()).containsExactlyInAnyOrder(
          "models/" + model + "/v2/manifest.json", "models/" + model + "/v2/model.json",
          "models/" + model + "/v2/schema.json");
      assertThat(registry.current(model).predict(S3Bed.ROW)).containsExactly(5000f);
      Measurements.record("1,000 models, one promoted: requests (feed, pointer, manifest, 2 files)", promoted.size());
      Measurements.record("1,000 models, one promoted: feed body bytes", promoted.get(0).responseBodyBytes());

      publisher.writeExperiment(experiment(90), "more of b");
      bed.proxy.resetCounts();

      scheduler.advance(INTERVAL);

      List<FaultProxy.Exchange> written = bed.proxy.exchanges();
      assertThat(written).extracting(e -> e.request().key(), FaultProxy.Exchange::status).containsExactly(
          org.assertj.core.groups.Tuple.tuple("models/_changes.json", 200),
          org.assertj.core.groups.Tuple.tuple("models/_experiments/" + EXPERIMENT + ".json", 200));
      assertThat(registry.experiment(EXPERIMENT).definition().variants().get(1).weight()).isEqualTo(90);
      Measurements.record("1,000 models, an experiment written: requests (feed, that experiment's file)",
          written.size());
      Measurements.record("1,000 models, an experiment written: experiment file body bytes",
          written.get(1).responseBodyBytes());
      bed.proxy.resetCounts();
      scheduler.advance(INTERVAL);
      assertThat(bed.proxy.exchanges()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(304));

      bed.deleteAsScript("models/_changes.json"); // a layout without the feed: every loaded pointer is read
      bed.proxy.resetCounts();
      scheduler.advance(INTERVAL);
      assertThat(bed.proxy.exchanges()).hasSize(1 + MODELS + 1);
      Measurements.record("1,000 models and an experiment, unchanged poll without the change feed: requests",
          bed.proxy.exchanges().size());
    }
  }
}
