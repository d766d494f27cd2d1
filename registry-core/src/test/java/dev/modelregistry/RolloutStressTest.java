package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    AtomicLong liveFloor = new AtomicLong(1); // the stable version known live: calls starting now see it or newer
    AtomicLong publishedCeiling = new AtomicLong(2); // the newest version a snapshot may name
    AtomicLong predictions = new AtomicLong();
    AtomicLong canaryCalls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong outOfRange = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(READERS);
    AtomicInteger running = new AtomicInteger(1);

    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      boolean sticky = r % 2 == 0;
      Thread reader = new Thread(() -> {
        float[] row = new float[2];
        started.countDown();
        long i = 0;
        while (running.get() == 1) {
          long floor = liveFloor.get();
          try {
            Model view = sticky ? model.forUnit("unit-" + (i++ & 1023)) : model;
            float out = view.predict(row)[0];
            long ceiling = publishedCeiling.get();
            if (out < floor || out > ceiling || out != (long) out) {
              outOfRange.incrementAndGet();
            }
            if (out > floor) {
              canaryCalls.incrementAndGet();
            }
          } catch (Throwable t) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, t);
          }
          if (predictions.incrementAndGet() % 1024 == 0) {
            Thread.yield(); // busy readers on few cores would otherwise starve the rotating thread
          }
        }
      }, "reader-" + r);
      reader.start();
      readers.add(reader);
    }
    started.await();

    long start = System.nanoTime();
    for (int k = 1; k <= ROTATIONS; k++) {
      // stable v_k, canary v_(k+1): change the share, then promote the canary and start the next one
      publisher.setCanaryPercent(MODEL, ThreadLocalRandom.current().nextInt(0, 101), null);
      registry.refresh();
      publishedCeiling.set(k + 2);
      publisher.publish(MODEL, CountingLoader.version(k + 2));
      publisher.promoteCanary(MODEL, null);
      publisher.startCanary(MODEL, "v" + (k + 2), ThreadLocalRandom.current().nextInt(0, 101), null);
      registry.refresh();
      liveFloor.set(k + 1);
    }
    Duration rotating = Duration.ofNanos(System.nanoTime() - start);
    running.set(0);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(registry.current(MODEL).version()).isEqualTo("v" + (ROTATIONS + 1));
    assertThat(registry.status(MODEL).rollout().canaryVersion()).isEqualTo("v" + (ROTATIONS + 2));
    registry.close();

    assertThat(firstFailure.get()).as("first failure").isNull();
    assertThat(failures).hasValue(0);
    assertThat(outOfRange).as("outputs of versions the live snapshots did not name").hasValue(0);
    assertThat(loader.usedAfterClose).hasValue(0);
    assertThat(loader.opened).as("each version loaded once: a canary promoted is not loaded again")
        .hasSize(ROTATIONS + 2);
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes).as("closes of %s", p.version).hasValue(1));
    assertThat(loader.open()).as("models left open after close()").isZero();
    assertThat(canaryCalls.get()).isPositive();
    System.out.printf("rollout stress: %d canary rotations (%d refreshes) in %d ms, %d predictions by %d threads"
            + " (%d on a canary), 0 failures%n",
        ROTATIONS, 2 * ROTATIONS, rotating.toMillis(), predictions.get(), READERS, canaryCalls.get());
  }
}
