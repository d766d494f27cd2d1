package dev.modelregistry.testkit;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.LoadedModelsStats;
import dev.modelregistry.Manifest;
import dev.modelregistry.ModelDiscovery;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * A soak of a registry serving many discovered models under a bound: threads ask for model names drawn from
 * a Zipf distribution (a few models are hot, most are rarely asked for) and predict, so models are loaded,
 * evicted and loaded again from the local cache all the time. Every model the loader opens is counted, and so
 * is every close and every call on a closed model. Meant to run in a {@link ForkedJvm}.
 */
public final class ManyModelsSoak {

  /** The line prefix runners print the report after. */
  public static final String REPORT = "MANY-MODELS-SOAK-REPORT";

  private ManyModelsSoak() {}

  /**
   * What to run.
   *
   * @param loader the loader under test
   * @param version the files of model {@code i}, whose output for {@code row} is {@code expected(i)}
   * @param expected the output of model {@code i} for {@code row}
   * @param row the input row
   * @param tolerance the largest difference from the expected output that still matches it
   * @param models how many models the store holds
   * @param holds how many models the weight bound holds (all models weigh the same)
   * @param threads asking threads
   * @param duration how long they ask
   * @param zipfExponent the exponent of the Zipf distribution of names (1.0: the tenth model is asked for a
   *     tenth as often as the first)
   * @param workDir a folder for the registry's cache
   */
  public record Setup(
      ModelLoader loader,
      IntFunction<Publication> version,
      IntFunction<float[]> expected,
      float[] row,
      double tolerance,
      int models,
      int holds,
      int threads,
      Duration duration,
      double zipfExponent,
      Path workDir) {

    /** Checks. */
    public Setup {
      requireNonNull(loader, "loader");
      if (models < 1 || holds < 1 || threads < 1) {
        throw new IllegalArgumentException("models, holds and threads must be positive");
      }
    }
  }

  /**
   * What happened.
   *
   * @param calls predictions made
   * @param failures calls that threw
   * @param firstFailure the first of them, or null
   * @param unexpectedOutputs predictions that did not give the model's output
   * @param hitRate hits over lookups, from the registry's stats
   * @param loads loads of discovered models
   * @param evictions evictions
   * @param weightBoundBytes the bound
   * @param maxWeightBytes the largest weight sampled (every 10 ms, after pending evictions)
   * @param samplesOverBound weight samples above the bound (a sample can fall between a load being weighed
   *     and the eviction it calls for)
   * @param samples weight samples taken
   * @param modelWeightBytes what one model weighs, as the bound counts it
   * @param weightAfterBytes the weight once the threads have stopped
   * @param opened models the loader opened
   * @param closedBeforeEnd models closed before the registry was closed (evicted, then drained)
   * @param closedOnce opened models closed exactly once, after the registry was closed
   * @param closedMoreThanOnce opened models closed more than once
   * @param usedAfterClose calls that reached a closed model
   * @param openAfterClose models open after the registry was closed
   * @param rssKb the process's resident memory, sampled every tenth of the run, in KiB
   * @param millis how long the threads asked
   */
  public record Report(
      long calls,
      long failures,
      String firstFailure,
      long unexpectedOutputs,
      double hitRate,
      long loads,
      long evictions,
      long weightBoundBytes,
      long maxWeightBytes,
      long samplesOverBound,
      long samples,
      long modelWeightBytes,
      long weightAfterBytes,
      int opened,
      int closedBeforeEnd,
      int closedOnce,
      int closedMoreThanOnce,
      int usedAfterClose,
      int openAfterClose,
      List<Long> rssKb,
      long millis) {

    /** The report as one line of JSON. */
    public String toJson() {
      return SwapStress.writeJson(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static Report fromJson(String json) {
      return SwapStress.readJson(json, Report.class, "many-models soak report");
    }

    /**
     * Asserts what a sound registry gives: no failed or wrong call, no model closed twice or called once
     * closed, every model closed once the registry is, every evicted one before, and the weight within the
     * bound once quiet. Sampled while loads run, a sample can fall between loads being weighed and the
     * eviction they call for (Caffeine evicts in its maintenance pass, on the executor): then the weight is over
     * by the few models whose loads ended together, never more than 16 here, and such samples are rare.
     */
    public void assertSound() {
      assertThat(failures).as("first failure: %s", firstFailure).isZero();
      assertThat(unexpectedOutputs).isZero();
      assertThat(calls).isPositive();
      assertThat(evictions).isPositive();
      assertThat(usedAfterClose).isZero();
      assertThat(closedMoreThanOnce).isZero();
      assertThat(closedOnce).isEqualTo(opened);
      assertThat(openAfterClose).isZero();
      assertThat(closedBeforeEnd).as("every evicted version closed").isEqualTo((int) evictions);
      assertThat(weightAfterBytes).isLessThanOrEqualTo(weightBoundBytes);
      assertThat(maxWeightBytes).isLessThanOrEqualTo(weightBoundBytes + 16 * modelWeightBytes);
      assertThat(samplesOverBound).isLessThan(Math.max(1, samples / 100));
    }
  }

  /**
   * Runs {@code main} (which prints {@link #REPORT} and the report) in a child JVM, fails with its output if
   * it did not end well, and returns the report.
   */
  public static Report runForked(Class<?> main, List<String> jvmArgs, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    ForkedJvm.Result result = ForkedJvm.run(main, jvmArgs, args, timeout);
    assertThat(result.exitCode()).as("child JVM exit code (134/139: native crash); output:%n%s", result.output())
        .isZero();
    String json = result.lineAfter(REPORT);
    assertThat(json).as("report line in:%n%s", result.output()).isNotNull();
    System.out.println(main.getSimpleName() + ": " + json + " (child JVM ran " + result.took().toSeconds() + " s)");
    return Report.fromJson(json);
  }

  /** Runs the soak and reports; never throws for what the models do, only for setup errors. */
  public static Report run(Setup setup) throws Exception {
    CountingLoader loader = new CountingLoader(setup.loader());
    InMemoryModelStore store = new InMemoryModelStore("soak");
    ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("many-models-soak").build();
    String[] names = new String[setup.models()];
    long modelBytes = 0;
    for (int i = 0; i < names.length; i++) {
      names[i] = String.format("m%05d", i);
      Manifest manifest = publisher.publish(names[i], setup.version().apply(i)).manifest();
      publisher.promote(names[i], "v1", null);
      if (i == 0) {
        modelBytes = manifest.files().stream().mapToLong(Manifest.FileEntry::size).sum();
      }
    }
    long bound = setup.holds() * ((modelBytes + 1023) / 1024 * 1024); // the registry weighs in whole KiB

    Files.createDirectories(setup.workDir());
    ModelRegistry registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(setup.workDir().resolve("cache"))
        .polling(false)
        .discoverLoaders(false)
        .loader(loader)
        .discover(ModelDiscovery.all())
        .maximumWeightBytes(bound)
        .build();

    double[] cdf = zipf(setup.models(), setup.zipfExponent());
    LongAdder calls = new LongAdder();
    LongAdder failures = new LongAdder();
    LongAdder unexpected = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch started = new CountDownLatch(setup.threads());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < setup.threads(); t++) {
      Thread thread = new Thread(() -> {
        started.countDown();
        while (running.get()) {
          int i = draw(cdf);
          try {
            float[] out = registry.current(names[i]).predict(setup.row());
            calls.increment();
            if (!SwapStress.matches(out, setup.expected().apply(i), setup.tolerance())) {
              unexpected.increment();
            }
          } catch (Throwable e) {
            failures.increment();
            firstFailure.compareAndSet(null, names[i] + ": " + e);
          }
        }
      }, "soak-" + t);
      thread.start();
      threads.add(thread);
    }
    started.await();

    List<Long> rss = new ArrayList<>();
    long maxWeight = 0;
    long overBound = 0;
    long samples = 0;
    long start = System.nanoTime();
    long end = start + setup.duration().toNanos();
    long sampleEvery = setup.duration().toNanos() / 10;
    long nextRss = start;
    while (System.nanoTime() < end) {
      long weight = registry.loadedModelsStats().weightBytes();
      maxWeight = Math.max(maxWeight, weight);
      overBound += weight > bound ? 1 : 0;
      samples++;
      if (System.nanoTime() >= nextRss) {
        rss.add(SwapStress.residentKb());
        nextRss += sampleEvery;
      }
      Thread.sleep(10); // sampling pace, not a timing assertion
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (loader.open() > registry.loadedModelsStats().loaded() && System.nanoTime() < deadline) {
      Thread.sleep(5); // the removal listener and the reaper close evicted versions once their calls have returned
    }
    Thread.sleep(100); // removal listeners of the last evictions, which run on the loader threads
    LoadedModelsStats stats = registry.loadedModelsStats();
    int closedBeforeEnd = loader.opened.size() - loader.open();
    registry.close();
    return new Report(calls.sum(), failures.sum(), firstFailure.get(), unexpected.sum(), stats.hitRate(),
        stats.loads(), stats.evictions(), bound, maxWeight, overBound, samples, bound / setup.holds(),
        stats.weightBytes(), loader.opened.size(), closedBeforeEnd,
        loader.closedOnce(), loader.closedMoreThanOnce(), loader.usedAfterClose.get(), loader.open(), rss, millis);
  }

  /** The cumulative distribution of a Zipf law over {@code n} ranks. */
  static double[] zipf(int n, double exponent) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }

  private static int draw(double[] cdf) {
    double u = ThreadLocalRandom.current().nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
