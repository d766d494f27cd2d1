package dev.modelregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's axis has round ticks, and each bar its confidence interval. */
class ResultsReportTest {

  @TempDir Path dir;

  @Test
  void ticksAreRoundSteps() {
    assertThat(ResultsReport.tickStep(109.6, 5)).isEqualTo(20.0);
    assertThat(ResultsReport.tickStep(120.6, 5)).isEqualTo(20.0);
    assertThat(ResultsReport.tickStep(40, 5)).isEqualTo(10.0);
    assertThat(ResultsReport.tickStep(9, 5)).isEqualTo(2.0);
    assertThat(ResultsReport.tickStep(0.2, 5)).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(ResultsReport.tickStep(0, 5)).isEqualTo(1.0);
    assertThat(ResultsReport.tickLabel(40, 20)).isEqualTo("40");
    assertThat(ResultsReport.tickLabel(0.1, 0.05)).isEqualTo("0.10");
  }

  @Test
  void theCommittedResultsGiveRoundTicksAndErrorBars() throws Exception {
    for (String name : new String[] {"read-path-thrpt-1.json", "read-path-thrpt-2.json"}) {
      Files.copy(Path.of("results", name), dir.resolve(name));
    }
    ResultsReport.main(new String[] {dir.toString()});
    String svg = Files.readString(dir.resolve("read-path.svg"));

    Matcher ticks = Pattern.compile("<text x=\"55\" y=\"\\d+\" text-anchor=\"end\">([0-9.]+)</text>").matcher(svg);
    StringBuilder labels = new StringBuilder();
    while (ticks.find()) {
      labels.append(ticks.group(1)).append(' ');
    }
    assertThat(labels.toString().trim()).isEqualTo("0 20 40 60 80 100 120");
    assertThat(Pattern.compile("<path d=\"M\\d+ \\d+V\\d+M").matcher(svg).results().count()).isEqualTo(14);
  }
}
