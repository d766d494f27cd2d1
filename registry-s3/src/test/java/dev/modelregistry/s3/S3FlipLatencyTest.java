package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * How long after a pointer flip a host serves the new version, with a 1 s poll interval: measured over
 * several flips, each at a random moment of the poll cycle, and recorded; asserted only against a generous
 * bound, since this machine may be loaded.
 */
class S3FlipLatencyTest extends S3BedCase {

  private static final int FLIPS = 8;

  @Test
  void aFlippedPointerIsServedWithinAboutOnePollInterval() throws InterruptedException {
    ModelPublisher publisher = ModelPublisher.on(bed.store());
    for (int v = 1; v <= FLIPS + 1; v++) {
      publisher.publish(MODEL, S3Bed.constant(v, 64 * 1024));
    }
    publisher.promote(MODEL, "v1", null);
    Map<String, Long> swappedAt = new ConcurrentHashMap<>();
    List<Long> latencies = new ArrayList<>();

    try (ModelRegistry registry = ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(cache)
        .pollInterval(Duration.ofSeconds(1))
        .model(MODEL)
        .listener(new RegistryListener() {
          @Override
          public void onSwapped(RegistryEvent.Swapped event) {
            swappedAt.put(event.version(), System.nanoTime());
          }
        })
        .build()) {
      Random phase = new Random(42);
      for (int v = 2; v <= FLIPS + 1; v++) {
        String version = "v" + v;
        Thread.sleep(phase.nextInt(1000));
        long flippedAt = System.nanoTime();
        publisher.promote(MODEL, version, "flip " + v);
        await().atMost(Duration.ofSeconds(60)).until(() -> swappedAt.containsKey(version));
        latencies.add((swappedAt.get(version) - flippedAt) / 1_000_000);
        assertThat(registry.current(MODEL).version()).isEqualTo(version);
      }
    }

    List<Long> sorted = latencies.stream().sorted().toList();
    long median = (sorted.get(FLIPS / 2 - 1) + sorted.get(FLIPS / 2)) / 2;
    Measurements.record("flip to serving, 1 s poll interval, " + FLIPS + " flips: latencies ms", latencies);
    Measurements.record("flip to serving, 1 s poll interval: median ms", median);
    Measurements.record("flip to serving, 1 s poll interval: max ms", sorted.get(FLIPS - 1));
    assertThat(latencies).hasSize(FLIPS);
  }
}
