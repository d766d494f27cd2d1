package dev.modelregistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads that predict as fast as they can while a test swaps versions, and check each output: a version
 * with the number n answers n, so an output must be a whole number between the version known live when the
 * call started ({@link #liveFloor}) and the newest one a snapshot may name ({@link #ceiling}).
 */
final class StressReaders {

  /** Which model (or view of it) reader {@code reader} uses for its {@code call}-th call. */
  @FunctionalInterface
  interface View {
    Model of(int reader, long call);
  }

  final AtomicLong liveFloor;
  final AtomicLong ceiling;
  final AtomicLong predictions = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong outOfRange = new AtomicLong();
  final AtomicLong aboveFloor = new AtomicLong();
  final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  private StressReaders(long floor, long ceiling) {
    this.liveFloor = new AtomicLong(floor);
    this.ceiling = new AtomicLong(ceiling);
  }

  /** Starts {@code readers} threads and returns once all run. */
  static StressReaders start(int readers, long floor, long ceiling, View view) throws InterruptedException {
    StressReaders stress = new StressReaders(floor, ceiling);
    CountDownLatch started = new CountDownLatch(readers);
    for (int r = 0; r < readers; r++) {
      int reader = r;
      Thread thread = new Thread(() -> {
        float[] row = new float[2];
        started.countDown();
        long call = 0;
        while (stress.running.get()) {
          long low = stress.liveFloor.get();
          try {
            float out = view.of(reader, call++).predict(row)[0];
            long high = stress.ceiling.get();
            if (out < low || out > high || out != (long) out) {
              stress.outOfRange.incrementAndGet();
            }
            if (out > low) {
              stress.aboveFloor.incrementAndGet();
            }
          } catch (Throwable t) {
            stress.failures.incrementAndGet();
            stress.firstFailure.compareAndSet(null, t);
          }
          if (stress.predictions.incrementAndGet() % 1024 == 0) {
            Thread.yield(); // busy readers on few cores would otherwise starve the swapping thread
          }
        }
      }, "reader-" + r);
      thread.start();
      stress.threads.add(thread);
    }
    started.await();
    return stress;
  }

  /** Stops the readers and waits for them. */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
