package dev.modelregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark once, very briefly, so they cannot rot: each must set up, run and produce a result.
 * No timing is asserted; the numbers of such a short run mean nothing.
 */
class BenchmarksSmokeTest {

  @TempDir Path dir;

  @Test
  void everyBenchmarkRunsAndTheReportIsWritten() throws Exception {
    Path json = dir.resolve("smoke.json");
    Options options = new OptionsBuilder()
        .include("dev\\.modelregistry\\.benchmarks\\..*Benchmark")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50))
        .timeUnit(TimeUnit.MICROSECONDS)
        .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
        .result(json.toString())
        .param("models", "100") // ManyModelsBenchmark: 10,000 and 2,000 models take minutes to set up
        .param("missModels", "50")
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
        .contains("direct", "registryLookup", "registryHandle", "readWriteLockManager", "registry", "alone",
            "underLoad", "throughput", "latency");
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());

    ResultsReport.main(new String[] {dir.toString()});
    String markdown = Files.readString(dir.resolve("results.md"));
    assertThat(markdown).contains("Read path", "Predictions", "while a writer swaps", "swaps every 1 ms |",
        "One swap, the writer's side");
    assertThat(Files.readString(dir.resolve("read-path.svg"))).startsWith("<svg");
  }
}
