package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Eight threads predict, half of them as sticky units ({@code forUnit(id)}), half with random draws, while
 * 2,000 versions rotate through canary to stable: each rotation changes the canary's percent, then promotes
 * the canary and starts the next version as canary, each through publish, pointer move, poll, download,
 * verify, load, warm-up and swap. The loader fails loudly if a closed model is used.
 */
class RolloutStressTest extends RegistryHarness {

  private static final int READERS = Integer.getInteger("stress.readers", 8);
  private static final int ROTATIONS = 2_000;

  @Test
  void readersNeverFailNeverSeeAClosedModelAndSeeOnlyVersionsTheSnapshotNamed() throws Exception {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.publish(MODEL, CountingLoader.version(2));
    publisher.promote(MODEL, "v1", null);
    publisher.startCanary(MODEL, "v2", 10, null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL).cacheRetention(3));
    Model model = registry.current(MODEL);

    // Even readers are sticky units, odd ones draw at random.
    StressReaders readers = StressReaders.start(READERS, 1, 2,
        (reader, call) -> reader % 2 == 0 ? model.forUnit("unit-" + (call & 1023)) : model);

    long start = System.nanoTime();
    for (int k = 1; k <= ROTATIONS; k++) {
      // stable v_k, canary v_(k+1): change the share, then promote the canary and start the next one
      publisher.setCanaryPercent(MODEL, ThreadLocalRandom.current().nextInt(0, 101), null);
      registry.refresh();
      readers.ceiling.set(k + 2);
      publisher.publish(MODEL, CountingLoader.version(k + 2));
      publisher.promoteCanary(MODEL, null);
      publisher.startCanary(MODEL, "v" + (k + 2), ThreadLocalRandom.current().nextInt(0, 101), null);
      registry.refresh();
      readers.liveFloor.set(k + 1);
    }
    Duration rotating = Duration.ofNanos(System.nanoTime() - start);
    readers.stop();
    assertThat(registry.current(MODEL).version()).isEqualTo("v" + (ROTATIONS + 1));
    assertThat(registry.status(MODEL).rollout().canaryVersion()).isEqualTo("v" + (ROTATIONS + 2));
    registry.close();

    assertThat(readers.firstFailure.get()).as("first failure").isNull();
    assertThat(readers.failures).hasValue(0);
    assertThat(readers.outOfRange).as("outputs of versions the live snapshots did not name").hasValue(0);
    assertThat(loader.usedAfterClose).hasValue(0);
    assertThat(loader.opened).as("each version loaded once: a canary promoted is not loaded again")
        .hasSize(ROTATIONS + 2);
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes).as("closes of %s", p.version).hasValue(1));
    assertThat(loader.open()).as("models left open after close()").isZero();
    assertThat(readers.aboveFloor.get()).as("calls on a canary").isPositive();
    System.out.printf("rollout stress: %d canary rotations (%d refreshes) in %d ms, %d predictions by %d threads"
            + " (%d on a canary), 0 failures%n",
        ROTATIONS, 2 * ROTATIONS, rotating.toMillis(), readers.predictions.get(), READERS, readers.aboveFloor.get());
  }
}
