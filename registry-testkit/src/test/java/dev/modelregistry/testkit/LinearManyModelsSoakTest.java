package dev.modelregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.Publication;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.linear.LinearModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 2,000 linear models behind a bound that holds 200, eight threads asking for Zipf-distributed names, in a
 * child JVM: no call fails, the weight stays within the bound, and every version evicted is closed once.
 */
class LinearManyModelsSoakTest {

  @Test
  void twoThousandModelsUnderABoundOfTwoHundred() throws Exception {
    Path work = Files.createTempDirectory("many-models-soak");
    ForkedJvm.Result result = ForkedJvm.run(SoakMain.class, List.of("-Xmx512m"), List.of(work.toString(), "20"),
        Duration.ofSeconds(90));
    assertThat(result.exitCode()).as("child JVM exit code; output:%n%s", result.output()).isZero();
    String json = result.lineAfter(ManyModelsSoak.REPORT);
    assertThat(json).as("report line in:%n%s", result.output()).isNotNull();
    ManyModelsSoak.Report report = ManyModelsSoak.Report.fromJson(json);
    System.out.println("linear soak: " + json + " (child JVM ran " + result.took().toSeconds() + " s)");

    assertThat(report.failures()).as("first failure: %s", report.firstFailure()).isZero();
    assertThat(report.unexpectedOutputs()).isZero();
    assertThat(report.calls()).isPositive();
    assertThat(report.evictions()).isPositive();
    assertThat(report.weightAfterBytes()).isLessThanOrEqualTo(report.weightBoundBytes());
    // Sampled while loads run, a sample can fall between a load being weighed and the eviction it calls for:
    // then the weight is over by that one model, never more, and such samples are rare.
    assertThat(report.maxWeightBytes()).isLessThanOrEqualTo(report.weightBoundBytes() + report.modelWeightBytes());
    assertThat(report.samplesOverBound()).isLessThan(Math.max(1, report.samples() / 100));
    assertThat(report.usedAfterClose()).isZero();
    assertThat(report.closedMoreThanOnce()).isZero();
    assertThat(report.closedOnce()).isEqualTo(report.opened());
    assertThat(report.openAfterClose()).isZero();
    assertThat(report.closedBeforeEnd()).as("every evicted version closed").isEqualTo((int) report.evictions());
  }

  /** The child: runs the soak and prints the report. */
  public static final class SoakMain {
    public static void main(String[] args) throws Exception {
      int seconds = Integer.parseInt(args[1]);
      ManyModelsSoak.Report report = ManyModelsSoak.run(new ManyModelsSoak.Setup(
          new LinearModelLoader(),
          i -> Publication.builder()
              .file("model.json", LinearModel.constant(i, 3).toJson())
              .features(List.of("a", "b", "c"))
              .build(),
          i -> new float[] {i},
          new float[] {0.5f, 0.4f, 7.5f},
          0,
          2_000,
          200,
          8,
          Duration.ofSeconds(seconds),
          1.0,
          Path.of(args[0])));
      System.out.println(ManyModelsSoak.REPORT + " " + report.toJson());
      System.exit(0);
    }
  }
}
