package dev.modelregistry.benchmarks;

import dev.modelregistry.internal.SwapDriver;
import dev.modelregistry.spi.Predictor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The writer's side: how long one swap takes (one volatile write of a new version object, and handing the
 * old one to the reaper), back to back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SwapLatencyBenchmark {

  private Fixtures.Served served;
  private SwapDriver driver;
  private Predictor predictor;

  @Setup(Level.Trial)
  public void setUp() {
    served = Fixtures.serve(Fixtures.linearPublication());
    driver = SwapDriver.of(served.registry(), Fixtures.MODEL);
    predictor = Fixtures.linearDirect();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    served.close();
  }

  @Benchmark
  public void swap() {
    driver.swap(predictor);
  }
}
