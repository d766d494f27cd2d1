package dev.modelregistry.benchmarks;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
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
 * The cost of a {@link Lease}: one version pinned for a unit of work, as the Spring example's controller
 * takes one per request. Each benchmark predicts one row with the built-in linear model.
 *
 * <ul>
 *   <li>{@code direct}: the predictor itself: the floor.
 *   <li>{@code keptModel}: {@code model.predict(row)} on a kept {@code Model}.
 *   <li>{@code lease}: {@code try (Lease l = model.lease()) { l.predict(row); }} with the registry's
 *       defaults (the lease watchdog on).
 *   <li>{@code leaseWithStacks}: the same with {@code captureLeaseStacks(true)}: every lease records its
 *       thread and stack, to find a leak.
 * </ul>
 *
 * Built on the public API only, so the same class measures any version of the library.
 */
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LeaseBenchmark {

  /** Two registries on one in-memory store: with the defaults, and with lease stacks captured. */
  @State(Scope.Benchmark)
  public static class Shared {
    ModelRegistry defaults;
    ModelRegistry withStacks;
    Model model;
    Model stackModel;
    Predictor predictor;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      InMemoryModelStore store = new InMemoryModelStore("bench");
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("bench").build();
      String v = publisher.publish(Fixtures.MODEL, Fixtures.linearPublication()).version().value();
      publisher.promote(Fixtures.MODEL, v, null);
      defaults = ModelRegistry.builder().store(store).polling(false)
          .cacheDirectory(Files.createTempDirectory("bench-lease")).model(Fixtures.MODEL).build();
      withStacks = ModelRegistry.builder().store(store).polling(false).captureLeaseStacks(true)
          .cacheDirectory(Files.createTempDirectory("bench-lease")).model(Fixtures.MODEL).build();
      model = defaults.current(Fixtures.MODEL);
      stackModel = withStacks.current(Fixtures.MODEL);
      predictor = Fixtures.linearDirect();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      defaults.close();
      withStacks.close();
    }
  }

  /** Each thread's own row, so threads do not share an input array. */
  @State(Scope.Thread)
  public static class Row {
    float[] row;

    @Setup(Level.Trial)
    public void setUp() {
      row = Fixtures.rows(1, 5, Thread.currentThread().getId())[0];
    }
  }

  @Benchmark
  public float[] direct(Shared s, Row r) {
    return s.predictor.predict(r.row);
  }

  @Benchmark
  public float[] keptModel(Shared s, Row r) {
    return s.model.predict(r.row);
  }

  @Benchmark
  public float[] lease(Shared s, Row r) {
    try (Lease lease = s.model.lease()) {
      return lease.predict(r.row);
    }
  }

  @Benchmark
  public float[] leaseWithStacks(Shared s, Row r) {
    try (Lease lease = s.stackModel.lease()) {
      return lease.predict(r.row);
    }
  }
}
