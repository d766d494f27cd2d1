package dev.modelregistry.onnx;

import dev.modelregistry.testkit.SwapStress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A swap stress run with real ONNX Runtime sessions, meant for a child JVM ({@code NativeSwapStressTest}
 * forks it): closing a session under a running call would crash this process, and the test would see the
 * exit code. Prints the testkit's report after {@link SwapStress#REPORT}, and after {@link #SESSIONS}: the
 * most native sessions open at once during the run, those open after the registry closed, and a sample of
 * the open count about every half second.
 *
 * <p>Arguments: {@code regressor|zipmap swaps threads workDir}. {@code regressor} swaps between the two
 * regressor fixtures (a float tensor output); {@code zipmap} between the two binary classifiers with
 * ZipMap (a sequence of maps per call, each map a native value to free).
 */
final class SwapStressMain {

  static final String SESSIONS = "NATIVE-SESSIONS";

  private SwapStressMain() {}

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    int swaps = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Path workDir = Path.of(args[3]);

    boolean zipMap = scenario.equals("zipmap");
    byte[] first = OnnxHarness.fixture(zipMap ? "binary_zipmap_v1.onnx" : "regressor_v1.onnx");
    byte[] second = OnnxHarness.fixture(zipMap ? "binary_zipmap_v2.onnx" : "regressor_v2.onnx");
    float[][] rows = OnnxHarness.rows(64, 3, 99);
    float[][] expectedFirst = expected(first, zipMap, rows);
    float[][] expectedSecond = expected(second, zipMap, rows);
    double tolerance = 1e-5;
    double closest = closest(expectedFirst, expectedSecond);
    if (closest <= 10 * tolerance) {
      throw new IllegalStateException("the two versions' outputs are too close to tell apart: " + closest);
    }

    int sessionsBefore = Sessions.open();
    AtomicInteger maxOpen = new AtomicInteger();
    List<Integer> samples = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread monitor = new Thread(() -> {
      for (long tick = 0; running.get(); tick++) {
        int open = Sessions.open() - sessionsBefore;
        maxOpen.accumulateAndGet(open, Math::max);
        if (tick % 500 == 0) {
          samples.add(open);
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }, "session-monitor");
    monitor.setDaemon(true);
    monitor.start();

    SwapStress.Report report = SwapStress.run(new SwapStress.Setup(
        new OnnxModelLoader(),
        OnnxHarness.onnx(first),
        OnnxHarness.onnx(second),
        rows,
        expectedFirst,
        expectedSecond,
        tolerance,
        threads,
        swaps,
        workDir));
    running.set(false);
    monitor.join();

    System.out.println(SwapStress.REPORT + " " + report.toJson());
    System.out.println(SESSIONS + " " + maxOpen.get() + " " + (Sessions.open() - sessionsBefore) + " " + samples);
    System.out.flush();
  }

  /** Each row's output, predicted directly with ONNX Runtime: the score, or the positive class's probability. */
  private static float[][] expected(byte[] model, boolean zipMap, float[][] rows) throws Exception {
    float[][] direct = zipMap
        ? OnnxHarness.direct(model, "probabilities", rows, 0L, 1L)
        : OnnxHarness.direct(model, "score", rows);
    return zipMap ? Arrays.stream(direct).map(p -> new float[] {p[1]}).toArray(float[][]::new) : direct;
  }

  private static double closest(float[][] a, float[][] b) {
    double closest = Double.MAX_VALUE;
    for (int i = 0; i < a.length; i++) {
      closest = Math.min(closest, Math.abs(a[i][0] - b[i][0]));
    }
    return closest;
  }
}
