package dev.modelregistry.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.spi.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A swap stress run for a loader: threads predict (single rows and batches) as fast as they can while the
 * registry swaps between two versions, through the whole pipeline, as many times as asked. Every model the
 * loader opens is counted, and so is every close. Meant to run in a {@link ForkedJvm}, because a native
 * model closed under a running call crashes the JVM.
 */
public final class SwapStress {

  /** The line prefix after which the {@code main} method of a forked runner prints the report. */
  public static final String REPORT = "SWAP-STRESS-REPORT";

  private static final String MODEL = "stress";

  private SwapStress() {}

  /**
   * What to run.
   *
   * @param loader the loader under test
   * @param first the first version's files
   * @param second the second version's files
   * @param rows input rows
   * @param expectedFirst the first version's output for each row
   * @param expectedSecond the second version's output for each row
   * @param tolerance the largest difference from an expected output that still matches it
   * @param threads predicting threads
   * @param swaps swaps to perform
   * @param workDir a folder for the registry's cache
   */
  public record Setup(
      ModelLoader loader,
      Publication first,
      Publication second,
      float[][] rows,
      float[][] expectedFirst,
      float[][] expectedSecond,
      double tolerance,
      int threads,
      int swaps,
      Path workDir) {

    /** Checks. */
    public Setup {
      requireNonNull(loader, "loader");
      if (rows.length == 0 || rows.length != expectedFirst.length || rows.length != expectedSecond.length) {
        throw new IllegalArgumentException("rows and expected outputs must be non-empty and of one length");
      }
    }
  }

  /**
   * What happened.
   *
   * @param predictions single-row predictions made
   * @param batches batch predictions made
   * @param failures predictions that threw
   * @param firstFailure the first of them, or null
   * @param unexpectedOutputs predictions that matched neither version (a batch counts once)
   * @param swaps swaps performed
   * @param swapMillis how long the swaps took in all
   * @param opened models the loader opened (one per swap, plus the first)
   * @param closedOnce opened models closed exactly once
   * @param closedMoreThanOnce opened models closed more than once
   * @param openAfterSwaps models open once the swaps were done and the reaper had caught up
   * @param openAfterClose models open after the registry was closed
   * @param rssKb the process's resident memory, sampled every tenth of the run, in KiB (-1 where unknown)
   */
  public record Report(
      long predictions,
      long batches,
      long failures,
      String firstFailure,
      long unexpectedOutputs,
      int swaps,
      long swapMillis,
      int opened,
      int closedOnce,
      int closedMoreThanOnce,
      int openAfterSwaps,
      int openAfterClose,
      List<Long> rssKb) {

    /** The report as one line of JSON. */
    public String toJson() {
      return writeJson(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static Report fromJson(String json) {
      return readJson(json, Report.class, "swap stress report");
    }
  }

  /** {@code value} as one line of JSON. */
  static String writeJson(Object value) {
    try {
      return JsonMapper.builder().build().writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A report written by {@link #writeJson}. */
  static <T> T readJson(String json, Class<T> type, String what) {
    try {
      return JsonMapper.builder().build().readValue(json, type);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a " + what + ": " + json, e);
    }
  }

  /** Runs the stress and reports; never throws for what the models do, only for setup errors. */
  public static Report run(Setup setup) throws Exception {
    CountingLoader loader = new CountingLoader(setup.loader());
    InMemoryModelStore store = new InMemoryModelStore("stress");
    ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("swap-stress").build();
    String first = publisher.publish(MODEL, setup.first()).version().value();
    String second = publisher.publish(MODEL, setup.second()).version().value();
    publisher.promote(MODEL, first, null);

    Files.createDirectories(setup.workDir());
    ModelRegistry registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(setup.workDir().resolve("cache"))
        .polling(false)
        .discoverLoaders(false)
        .loader(loader)
        .model(MODEL)
        .build();
    Model model = registry.current(MODEL);

    LongAdder predictions = new LongAdder();
    LongAdder batches = new LongAdder();
    LongAdder failures = new LongAdder();
    LongAdder unexpected = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch started = new CountDownLatch(setup.threads());
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < setup.threads(); t++) {
      int offset = t;
      Thread reader = new Thread(() -> {
        started.countDown();
        for (long n = offset; running.get(); n++) {
          try {
            if (n % 16 == 0) {
              float[][] out = model.predict(setup.rows());
              batches.increment();
              if (!matchesAll(out, setup.expectedFirst(), setup.tolerance())
                  && !matchesAll(out, setup.expectedSecond(), setup.tolerance())) {
                unexpected.increment();
              }
            } else {
              int i = (int) (n % setup.rows().length);
              float[] out = model.predict(setup.rows()[i]);
              predictions.increment();
              if (!matches(out, setup.expectedFirst()[i], setup.tolerance())
                  && !matches(out, setup.expectedSecond()[i], setup.tolerance())) {
                unexpected.increment();
              }
            }
          } catch (Throwable e) {
            failures.increment();
            firstFailure.compareAndSet(null, e.toString());
          }
        }
      }, "stress-reader-" + t);
      reader.start();
      readers.add(reader);
    }
    started.await();

    List<Long> rss = new ArrayList<>();
    rss.add(residentKb());
    int sampleEvery = Math.max(1, setup.swaps() / 10);
    long start = System.nanoTime();
    for (int s = 1; s <= setup.swaps(); s++) {
      publisher.promote(MODEL, s % 2 == 1 ? second : first, null);
      registry.refresh();
      if (s % sampleEvery == 0) {
        rss.add(residentKb());
      }
    }
    long swapMillis = (System.nanoTime() - start) / 1_000_000;
    running.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (loader.open() > 1 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    int openAfterSwaps = loader.open();
    registry.close();

    return new Report(predictions.sum(), batches.sum(), failures.sum(), firstFailure.get(), unexpected.sum(),
        setup.swaps(), swapMillis, loader.opened.size(), loader.closedOnce(), loader.closedMoreThanOnce(), openAfterSwaps, loader.open(), rss);
  }

  /** The resident set size of this process in KiB, from {@code /proc/self/status}; -1 where unavailable. */
  public static long residentKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static boolean matchesAll(float[][] out, float[][] expected, double tolerance) {
    if (out.length != expected.length) {
      return false;
    }
    for (int i = 0; i < out.length; i++) {
      if (!matches(out[i], expected[i], tolerance)) {
        return false;
      }
    }
    return true;
  }

  /** Whether each output is within {@code tolerance} of the expected one. */
  static boolean matches(float[] out, float[] expected, double tolerance) {
    if (out == null || out.length != expected.length) {
      return false;
    }
    for (int i = 0; i < out.length; i++) {
      if (!(Math.abs(out[i] - expected[i]) <= tolerance)) {
        return false;
      }
    }
    return true;
  }
}
