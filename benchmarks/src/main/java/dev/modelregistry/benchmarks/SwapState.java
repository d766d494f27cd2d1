package dev.modelregistry.benchmarks;

import dev.modelregistry.Model;
import dev.modelregistry.internal.SwapDriver;
import dev.modelregistry.spi.Predictor;
import java.util.concurrent.locks.LockSupport;

/**
 * A registry serving the linear model, and a writer that swaps a new version in on a schedule: never
 * ({@code none}), every millisecond ({@code 1ms}: the writer parks between swaps), every ten microseconds
 * ({@code 10us}: the writer spins between swaps, as no timer wakes a thread that often), or never while
 * spinning like the 10 µs writer ({@code spin}: the control that separates the cost of swapping from the
 * cost of a spinning thread taking a core). Shared by a benchmark group's readers and its writer.
 */
final class SwapState {

  private final Fixtures.Served served;
  private final Model model;
  private final Predictor predictor;
  private final SwapDriver driver;
  private final String interval;
  private long nextSwapNanos;

  SwapState(String interval) {
    this.interval = interval;
    this.served = Fixtures.serve(Fixtures.linearPublication());
    this.model = served.registry().current(Fixtures.MODEL);
    this.predictor = Fixtures.linearDirect();
    this.driver = SwapDriver.of(served.registry(), Fixtures.MODEL);
    this.nextSwapNanos = System.nanoTime();
  }

  Model model() {
    return model;
  }

  /** One step of the writer: wait for the next slot, then swap (or not, for the controls). */
  void writerStep() {
    switch (interval) {
      case "none" -> LockSupport.parkNanos(1_000_000);
      case "1ms" -> {
        LockSupport.parkNanos(1_000_000);
        driver.swap(predictor);
      }
      case "10us", "spin" -> {
        nextSwapNanos += 10_000;
        while (System.nanoTime() - nextSwapNanos < 0) {
          Thread.onSpinWait();
        }
        if (interval.equals("10us")) {
          driver.swap(predictor);
        }
      }
      default -> throw new IllegalArgumentException("interval " + interval);
    }
  }

  void resetSchedule() {
    nextSwapNanos = System.nanoTime();
  }

  long swaps() {
    return driver.swaps();
  }

  void close() {
    served.close();
  }
}
