package dev.modelregistry.benchmarks;

import dev.modelregistry.Model;
import dev.modelregistry.internal.SwapDriver;
import dev.modelregistry.spi.Predictor;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The writer's side: how long one swap takes (one volatile write of a new version object, and retiring the
 * old one: closed at once when no call is in flight on it, else handed to the reaper), back to back, alone
 * ({@code alone}) and while a reader predicts all the time ({@code underLoad}, where most retired versions
 * still have a call in flight and go to the reaper).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class SwapLatencyBenchmark {

  private Fixtures.Served served;
  private SwapDriver driver;
  private Predictor predictor;
  private Model model;
  private float[] row;

  @Setup(Level.Trial)
  public void setUp() {
    served = Fixtures.serve(Fixtures.linearPublication());
    driver = SwapDriver.of(served.registry(), Fixtures.MODEL);
    predictor = Fixtures.linearDirect();
    model = served.registry().current(Fixtures.MODEL);
    row = Fixtures.rows(1, 5, 11)[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    served.close();
  }

  @Benchmark
  @Group("alone")
  public void swap() {
    driver.swap(predictor);
  }

  @Benchmark
  @Group("underLoad")
  @GroupThreads(1)
  public void swapWhileReading() {
    driver.swap(predictor);
  }

  @Benchmark
  @Group("underLoad")
  @GroupThreads(1)
  public float[] reader() {
    return model.predict(row);
  }
}
