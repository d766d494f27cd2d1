package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.testkit.ForkedJvm;
import dev.modelregistry.testkit.SwapStress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight threads predict single rows and batches with real ONNX Runtime sessions while the registry swaps
 * 1,000 times between two versions through the whole pipeline, in a child JVM: a session closed under a
 * running call would crash it (SIGSEGV), and this test would see the exit code instead of losing the build.
 *
 * <p>Asserted: no crash, no exception, every output one of the two versions' known outputs, every session
 * opened closed exactly once and none left open, one open model (the live version) once the swaps are done
 * and the reaper has caught up, and resident memory no longer growing in the second half of the run. The
 * report is printed (in {@code target/surefire-reports/*-output.txt}).
 *
 * <p>Memory: the child's heap is fixed and pre-touched ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}) so
 * that its resident memory is the native side. It is sampled after every 100 swaps. Measured here, a
 * session of these models that is never closed keeps about 112 KB resident, so leaking one per swap would
 * add about 11 MB at every step. The bound is on the median step of the second half (robust to a single
 * jump from the allocator or the JIT): under 5 MB. The runs measured here had median steps under 1.5 MB.
 */
class NativeSwapStressTest {

  private static final int SWAPS = 1_000;
  private static final int THREADS = 8;
  private static final long MAX_MEDIAN_STEP_KB = 5 * 1024;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"regressor", "zipmap"})
  void swapsUnderFullLoadNeverCrashNeverFailServeOnlyKnownOutputsAndCloseEverySessionOnce(String scenario)
      throws Exception {
    ForkedJvm.Result result = ForkedJvm.run(SwapStressMain.class,
        List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"),
        List.of(scenario, Integer.toString(SWAPS), Integer.toString(THREADS), dir.resolve(scenario).toString()),
        Duration.ofMinutes(5));

    String reportLine = result.lineAfter(SwapStress.REPORT);
    String sessionsLine = result.lineAfter(SwapStressMain.SESSIONS);
    System.out.printf("%s: child JVM exit code %d after %d ms%n",
        scenario, result.exitCode(), result.took().toMillis());
    System.out.println(scenario + ": " + SwapStress.REPORT + " " + reportLine);
    System.out.println(scenario + ": native sessions (most open at once, open after close, samples) " + sessionsLine);

    assertThat(result.exitCode())
        .as("the child JVM's exit code (134 or 139: native crash; -1: killed at the timeout); its output ends:%n%s",
            tail(result.output()))
        .isZero();
    assertThat(reportLine).as("the report line").isNotNull();
    SwapStress.Report report = SwapStress.Report.fromJson(reportLine);

    assertThat(report.firstFailure()).as("first failure").isNull();
    assertThat(report.failures()).as("predictions that threw").isZero();
    assertThat(report.unexpectedOutputs()).as("outputs that were neither version's").isZero();
    assertThat(report.predictions()).as("single-row predictions").isGreaterThan(SWAPS);
    assertThat(report.batches()).as("batch predictions").isGreaterThan(0);
    assertThat(report.swaps()).isEqualTo(SWAPS);
    assertThat(report.opened()).as("sessions opened: one per swap, plus the first").isEqualTo(SWAPS + 1);
    assertThat(report.closedOnce()).as("sessions closed exactly once").isEqualTo(report.opened());
    assertThat(report.closedMoreThanOnce()).isZero();
    assertThat(report.openAfterSwaps()).as("models open after the swaps: the live version").isEqualTo(1);
    assertThat(report.openAfterClose()).as("models open after close()").isZero();

    String[] sessions = sessionsLine.split(" ", 3);
    assertThat(Integer.parseInt(sessions[1])).as("native sessions open after close()").isZero();

    List<Long> rss = report.rssKb();
    assertThat(rss).hasSize(11).allSatisfy(kb -> assertThat(kb).isPositive());
    long[] steps = new long[5];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = rss.get(6 + i) - rss.get(5 + i);
    }
    long[] sorted = steps.clone();
    Arrays.sort(sorted);
    long medianStep = sorted[steps.length / 2];
    System.out.printf(Locale.ROOT, "%s: RSS after 0, 100, ... 1000 swaps (MB): %s; growth over the last 500 swaps:"
            + " %.1f MB, steps of 100 swaps (MB): %s, median %.1f MB%n", scenario,
        rss.stream().map(kb -> String.format(Locale.ROOT, "%.1f", kb / 1024.0)).toList(),
        (rss.get(10) - rss.get(5)) / 1024.0,
        Arrays.stream(steps).mapToObj(kb -> String.format(Locale.ROOT, "%.1f", kb / 1024.0)).toList(),
        medianStep / 1024.0);
    assertThat(medianStep)
        .as("median growth (KB) per 100 swaps over the last %d swaps; RSS samples %s", SWAPS / 2, rss)
        .isLessThan(MAX_MEDIAN_STEP_KB);
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }
}
