package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    AtomicLong liveFloor = new AtomicLong(1); // a version known to be live: calls starting now see it or newer
    AtomicLong publishedCeiling = new AtomicLong(1); // the newest version that exists
    AtomicLong predictions = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong outOfRange = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(READERS);
    AtomicInteger running = new AtomicInteger(1);

    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      Thread reader = new Thread(() -> {
        float[] row = new float[2];
        started.countDown();
        while (running.get() == 1) {
          long floor = liveFloor.get();
          try {
            float out = model.predict(row)[0];
            long ceiling = publishedCeiling.get();
            if (out < floor || out > ceiling || out != (long) out) {
              outOfRange.incrementAndGet();
            }
          } catch (Throwable t) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, t);
          }
          if (predictions.incrementAndGet() % 1024 == 0) {
            Thread.yield(); // 8 busy readers on few cores would otherwise starve the swapping thread
          }
        }
      }, "reader-" + r);
      reader.start();
      readers.add(reader);
    }
    started.await();

    long start = System.nanoTime();
    for (int v = 2; v <= SWAPS + 1; v++) {
      publishedCeiling.set(v);
      publisher.publish(MODEL, CountingLoader.version(v));
      publisher.promote(MODEL, "v" + v, null);
      registry.refresh();
      liveFloor.set(v);
    }
    Duration swapping = Duration.ofNanos(System.nanoTime() - start);
    running.set(0);
    for (Thread reader : readers) {
      reader.join();
    }
    registry.close();

    assertThat(firstFailure.get()).as("first failure").isNull();
    assertThat(failures).hasValue(0);
    assertThat(outOfRange).as("outputs that were neither the old nor the new version").hasValue(0);
    assertThat(loader.usedAfterClose).hasValue(0);
    assertThat(loader.opened).hasSize(SWAPS + 1);
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes).as("closes of %s", p.version).hasValue(1));
    assertThat(loader.open()).as("models left open after close()").isZero();
    assertThat(events.of(RegistryEvent.Swapped.class)).hasSize(SWAPS + 1);
    assertThat(predictions.get()).isGreaterThan(SWAPS);
    System.out.printf("swap stress: %d swaps in %d ms (%.2f ms per publish+promote+refresh), %d predictions"
            + " by %d threads, 0 failures%n",
        SWAPS, swapping.toMillis(), swapping.toNanos() / 1e6 / SWAPS, predictions.get(), READERS);
  }
}
