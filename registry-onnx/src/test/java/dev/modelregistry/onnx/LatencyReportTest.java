package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency report runs and covers every way of calling every model; its times are printed, not asserted. */
class LatencyReportTest {

  @Test
  void theReportMeasuresEveryWayOfCallingEachModel() throws Exception {
    List<LatencyReport.Line> lines = LatencyReport.measure(0.002);
    String table = LatencyReport.format(lines);
    System.out.println(table);
    assertThat(lines).hasSize(15);
    assertThat(lines).extracting(LatencyReport.Line::model)
        .containsOnly("regressor_v1.onnx", "binary_tensor.onnx", "binary_zipmap_v1.onnx");
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.singleMicros()).isPositive();
      assertThat(line.batchMicros()).isPositive();
    });
    assertThat(table).contains("| registry: current(name).predict |").contains("| 256 rows (µs) |");
  }
}
