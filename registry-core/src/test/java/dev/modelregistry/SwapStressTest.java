package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Eight threads predict in a loop while the registry swaps in 2,000 new versions through the whole
 * pipeline (publish, promote, poll, download, verify, load, warm up, swap). The loader counts opens and
 * closes and fails loudly if a closed model is used, as a native model would crash.
 */
class SwapStressTest extends RegistryHarness {

  private static final int READERS = Integer.getInteger("stress.readers", 8);
  private static final int SWAPS = 2_000;

  @Test
  void readersNeverFailNeverSeeAClosedModelAndSeeOnlyTheOldOrTheNewVersion() throws Exception {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL).cacheRetention(2));
    Model model = registry.current(MODEL);

    StressReaders readers = StressReaders.start(READERS, 1, 1, (reader, call) -> model);

    long start = System.nanoTime();
    for (int v = 2; v <= SWAPS + 1; v++) {
      readers.ceiling.set(v);
      publisher.publish(MODEL, CountingLoader.version(v));
      publisher.promote(MODEL, "v" + v, null);
      registry.refresh();
      readers.liveFloor.set(v);
    }
    Duration swapping = Duration.ofNanos(System.nanoTime() - start);
    readers.stop();
    registry.close();

    assertThat(readers.firstFailure.get()).as("first failure").isNull();
    assertThat(readers.failures).hasValue(0);
    assertThat(readers.outOfRange).as("outputs that were neither the old nor the new version").hasValue(0);
    assertThat(loader.usedAfterClose).hasValue(0);
    assertThat(loader.opened).hasSize(SWAPS + 1);
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes).as("closes of %s", p.version).hasValue(1));
    assertThat(loader.open()).as("models left open after close()").isZero();
    assertThat(events.of(RegistryEvent.Swapped.class)).hasSize(SWAPS + 1);
    assertThat(readers.predictions.get()).isGreaterThan(SWAPS);
    System.out.printf("swap stress: %d swaps in %d ms (%.2f ms per publish+promote+refresh), %d predictions"
            + " by %d threads, 0 failures%n",
        SWAPS, swapping.toMillis(), swapping.toNanos() / 1e6 / SWAPS, readers.predictions.get(), READERS);
  }
}
