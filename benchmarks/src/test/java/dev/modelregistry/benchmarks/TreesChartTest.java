package dev.modelregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesChartTest {

  @Test
  void theAxisIsLogarithmicFromOneHundredToOneHundredThousandNanoseconds() {
    assertThat(TreesChart.x(100, 0, 300, 100, 100_000)).isEqualTo(0);
    assertThat(TreesChart.x(1_000, 0, 300, 100, 100_000)).isEqualTo(100);
    assertThat(TreesChart.x(10_000, 0, 300, 100, 100_000)).isEqualTo(200);
    assertThat(TreesChart.x(5, 0, 300, 100, 100_000)).as("below the axis").isEqualTo(0);
  }

  @Test
  void readsJmhResultsPerRowAndLetsALaterFileReplaceAnEarlierOne(@TempDir Path dir) throws Exception {
    String result = "{\"benchmark\": \"dev.modelregistry.benchmarks.TreesBenchmark.predict\", \"mode\": \"avgt\","
        + " \"params\": {\"impl\": \"%s\", \"rows\": \"%d\"}, \"primaryMetric\": {\"score\": %s, \"scoreError\": %s,"
        + " \"scoreUnit\": \"ns/op\"}}";
    Path first = dir.resolve("first.json");
    Files.writeString(first, "[" + String.format(result, "trees", 1, "700", "10") + ", "
        + String.format(result, "xgboost4j", 256, "640000", "2560") + "]");
    Path second = dir.resolve("second.json");
    Files.writeString(second, "[" + String.format(result, "trees", 1, "600", "6") + "]");
    Path svg = dir.resolve("trees.svg");
    TreesChart.main(new String[] {svg.toString(), first.toString(), second.toString()});
    String chart = Files.readString(svg);
    assertThat(chart).startsWith("<svg").contains("registry-trees (leaf masks, bit-sliced batches)", "xgboost4j (JNI)")
        .contains(">600</text>", ">2,500</text>").doesNotContain(">700</text>", "h2o");
  }

  @Test
  void drawsTwoBarsPerImplementation() {
    String chart = TreesChart.svg(Map.of("trees/1", new double[] {600, 6}, "trees/256", new double[] {380, 16}));
    assertThat(chart.split("height=\"11\"", -1)).as("bars").hasSize(3);
    assertThat(chart).contains(">600</text>", ">380</text>");
  }
}
