package dev.modelregistry.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Readers predicting with the linear model while a writer swaps versions in, in two groups (the shape of
 * Caffeine's GetPutBenchmark): {@code throughput} (reader calls per µs, to compare with the {@code none}
 * figure) and {@code latency} (JMH's sampled percentiles of a reader's call). The writer's schedule is the
 * {@code interval} parameter, see {@link SwapState}. Set the reader count with {@code -tg <readers>,1}.
 */
@Warmup(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Group)
public class SwapBenchmark {

  @Param({"none", "1ms", "10us", "spin"})
  public String interval;

  private SwapState state;
  private float[] row;

  @Setup(Level.Trial)
  public void setUp() {
    state = new SwapState(interval);
    row = Fixtures.rows(1, 5, 3)[0];
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    state.resetSchedule();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    state.close();
  }

  @Benchmark
  @Group("throughput")
  @GroupThreads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Measurement(iterations = 5, time = 1)
  public float[] reader() {
    return state.model().predict(row);
  }

  @Benchmark
  @Group("throughput")
  @GroupThreads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Measurement(iterations = 5, time = 1)
  public void writer() {
    state.writerStep();
  }

  @Benchmark
  @Group("latency")
  @GroupThreads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Measurement(iterations = 5, time = 2)
  public float[] sampledReader() {
    return state.model().predict(row);
  }

  @Benchmark
  @Group("latency")
  @GroupThreads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Measurement(iterations = 5, time = 2)
  public void sampledWriter() {
    state.writerStep();
  }
}
