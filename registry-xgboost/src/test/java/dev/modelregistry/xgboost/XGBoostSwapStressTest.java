package dev.modelregistry.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.testkit.ForkedJvm;
import dev.modelregistry.testkit.SwapStress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;

/**
 * Eight threads predict with XGBoost boosters while the registry swaps between two versions, in a child
 * JVM: disposing a booster under a running prediction kills the process (SIGBUS/SIGSEGV), which fails this
 * test instead of the build.
 */
class XGBoostSwapStressTest {

  @Test
  void eightThreadsPredictThrough500SwapsWithoutACrashAndEveryBoosterIsDisposedOnce() throws Exception {
    SwapStress.Report report = runForked(500);
    assertThat(report.failures()).as("first failure: %s", report.firstFailure()).isZero();
    assertThat(report.unexpectedOutputs()).isZero();
    assertThat(report.predictions()).isPositive();
    assertThat(report.batches()).isPositive();
    assertThat(report.swaps()).isEqualTo(500);
    assertThat(report.opened()).isEqualTo(501);
    assertThat(report.closedOnce()).isEqualTo(501);
    assertThat(report.closedMoreThanOnce()).isZero();
    assertThat(report.openAfterClose()).isZero();
  }

  @Test
  void after1000SwapsOnlyTheLiveBoosterIsOpenAndResidentMemoryHasStoppedGrowing() throws Exception {
    SwapStress.Report report = runForked(1000);
    assertThat(report.failures()).as("first failure: %s", report.firstFailure()).isZero();
    assertThat(report.openAfterSwaps()).as("open boosters after the swaps").isEqualTo(1);
    assertThat(report.openAfterClose()).isZero();
    // RSS is sampled every 100 swaps. Boosters like these leaked one per swap add about 12.8 MB per 100 swaps
    // (measured by loading and keeping 500 of them); the median growth over the second half, robust to one
    // allocator step, must stay well under that (under a third). The child's heap is committed and touched up
    // front, so the Java heap growing into its maximum does not show as RSS growth.
    List<Long> rss = report.rssKb();
    List<Long> growth = new ArrayList<>();
    for (int i = rss.size() / 2 + 1; i < rss.size(); i++) {
      growth.add(rss.get(i) - rss.get(i - 1));
    }
    growth.sort(null);
    long median = growth.get(growth.size() / 2);
    System.out.println("RSS KiB every 100 swaps: " + rss + "; median growth per 100 swaps, second half: " + median);
    assertThat(median).as("median RSS growth per 100 swaps over the second half, KiB (samples %s)", rss)
        .isLessThan(4 * 1024);
  }

  @Test
  void withoutTheRegistryDisposingABoosterUnderRunningPredictionsFailsOrCrashes() throws Exception {
    // The control experiment: what the registry prevents. Threads predict on a booster that is disposed
    // under them; the child crashes (SIGBUS, SIGSEGV) or its predictions fail.
    ForkedJvm.Result result = ForkedJvm.run(UnprotectedMain.class, List.of("-Xmx512m"), List.of(),
        Duration.ofMinutes(2));
    System.out.println("unprotected dispose: exit code " + result.exitCode() + "; " + result.lineAfter("FAILED"));
    assertThat(result.exitCode() != 0 || !"0".equals(result.lineAfter("FAILED")))
        .as("a crash or failed predictions; output:%n%s", result.output())
        .isTrue();
  }

  private static SwapStress.Report runForked(int swaps) throws Exception {
    Path work = Files.createTempDirectory("xgb-stress");
    ForkedJvm.Result result = ForkedJvm.run(StressMain.class, List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"),
        List.of(Integer.toString(swaps), work.toString()), Duration.ofMinutes(5));
    System.out.println(result.output());
    assertThat(result.exitCode()).as("child JVM exit code (134/139: native crash); output:%n%s", result.output())
        .isZero();
    String json = result.lineAfter(SwapStress.REPORT);
    assertThat(json).as("report line in:%n%s", result.output()).isNotNull();
    return SwapStress.Report.fromJson(json);
  }

  /** The stress is about native boosters: the pure-Java evaluator holds no native memory. */
  static final XGBoostOptions NATIVE = XGBoostOptions.builder().evaluator(XGBoostOptions.Evaluator.NATIVE).build();

  /** The child: trains two boosters, then runs the stress. */
  public static final class StressMain {
    public static void main(String[] args) throws Exception {
      int swaps = Integer.parseInt(args[0]);
      Booster first = Boosters.train("binary:logistic", 50, Boosters.FEATURES, 1, false);
      Booster second = Boosters.train("binary:logistic", 80, Boosters.FEATURES, 2, false);
      float[][] rows = Boosters.rows(32, Boosters.FEATURES, 3);
      SwapStress.Report report = SwapStress.run(new SwapStress.Setup(
          new XGBoostModelLoader(NATIVE),
          Boosters.publication(first, "ubj", "model.ubj", List.of()),
          Boosters.publication(second, "ubj", "model.ubj", List.of()),
          rows, Boosters.direct(first, rows), Boosters.direct(second, rows), 0.0,
          8, swaps, Path.of(args[1])));
      first.dispose();
      second.dispose();
      System.out.println(SwapStress.REPORT + " " + report.toJson());
    }
  }

  /** The child of the control experiment: disposes a booster while eight threads predict with it. */
  public static final class UnprotectedMain {
    public static void main(String[] args) throws Exception {
      Booster booster = Boosters.train("binary:logistic", 50, Boosters.FEATURES, 1, false);
      XGBoostPredictor predictor = (XGBoostPredictor) new XGBoostModelLoader(NATIVE).load(artifactsOf(booster));
      java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
      List<Thread> threads = new java.util.ArrayList<>();
      float[] row = new float[Boosters.FEATURES];
      for (int t = 0; t < 8; t++) {
        Thread thread = new Thread(() -> {
          while (running.get()) {
            try {
              predictor.predict(row);
            } catch (RuntimeException e) {
              failed.incrementAndGet();
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      Thread.sleep(200);
      predictor.close();
      Thread.sleep(500);
      running.set(false);
      for (Thread thread : threads) {
        thread.join();
      }
      System.out.println("FAILED " + failed.get());
    }

    private static dev.modelregistry.spi.ModelArtifacts artifactsOf(Booster booster) throws Exception {
      Path dir = Files.createTempDirectory("xgb-unprotected");
      Files.write(dir.resolve("model.ubj"), booster.toByteArray("ubj"));
      return new dev.modelregistry.spi.ModelArtifacts("m", dev.modelregistry.VersionId.of("v1"), dir,
          List.of("model.ubj"), null, List.of(), java.util.Map.of());
    }
  }
}
