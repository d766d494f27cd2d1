package dev.modelregistry.testkit;

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
    ManyModelsSoak.runForked(SoakMain.class, List.of("-Xmx512m"), List.of(work.toString(), "20"), Duration.ofSeconds(90))
        .assertSound();
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
