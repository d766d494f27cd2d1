package dev.modelregistry.benchmarks;

import dev.modelregistry.Model;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.spi.Predictor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The read path: looking a model up and predicting with the built-in linear model (so the model's own work
 * is small and the overhead shows), through the registry and through what services write by hand.
 *
 * <ul>
 *   <li>{@code direct}: the predictor itself, no lookup, no protection: the floor.
 *   <li>{@code registryLookup}: {@code registry.current(name).predict(row)}: map lookup, lease, predict.
 *   <li>{@code registryHandle}: a {@code Model} kept in a field: lease and predict.
 *   <li>{@code registryHandleWithStats}: the same with {@code recordPredictionStats(true)}, the cost of
 *       per-version prediction metrics.
 *   <li>{@code volatileField}, {@code synchronizedGetter}, {@code readWriteLockManager}: the same predictor
 *       behind a volatile field, a {@code synchronized} getter, and a {@code ReentrantReadWriteLock}-guarded
 *       {@code HashMap} (the shape of hand-written model managers). None of them protects a model from
 *       being closed under a running call; the registry does.
 *   <li>{@code lookup*}: the lookups alone, without predicting.
 * </ul>
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReadPathBenchmark {

  /** Shared by all threads: the registry and the baselines, all serving the same linear model. */
  @State(Scope.Benchmark)
  public static class Shared {
    Fixtures.Served served;
    Fixtures.Served timedServed;
    ModelRegistry registry;
    Model handle;
    Model timedHandle;
    Predictor predictor;
    volatile Predictor field;
    private Predictor guarded;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Map<String, Predictor> managed = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
      served = Fixtures.serve(Fixtures.linearPublication());
      registry = served.registry();
      handle = registry.current(Fixtures.MODEL);
      timedServed = Fixtures.serve(Fixtures.linearPublication(), true);
      timedHandle = timedServed.registry().current(Fixtures.MODEL);
      predictor = Fixtures.linearDirect();
      field = predictor;
      setGuarded(predictor);
      lock.writeLock().lock();
      try {
        managed.put(Fixtures.MODEL, predictor);
      } finally {
        lock.writeLock().unlock();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      served.close();
      timedServed.close();
    }

    synchronized Predictor guarded() {
      return guarded;
    }

    synchronized void setGuarded(Predictor predictor) {
      this.guarded = predictor;
    }

    Predictor managed(String name) {
      lock.readLock().lock();
      try {
        return managed.get(name);
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  /** Each thread's input row. */
  @State(Scope.Thread)
  public static class Input {
    float[] row;

    @Setup(Level.Trial)
    public void setUp() {
      row = Fixtures.rows(1, 5, Thread.currentThread().getId())[0];
    }
  }

  @Benchmark
  public float[] direct(Shared s, Input in) {
    return s.predictor.predict(in.row);
  }

  @Benchmark
  public float[] registryLookup(Shared s, Input in) {
    return s.registry.current(Fixtures.MODEL).predict(in.row);
  }

  @Benchmark
  public float[] registryHandle(Shared s, Input in) {
    return s.handle.predict(in.row);
  }

  @Benchmark
  public float[] registryHandleWithStats(Shared s, Input in) {
    return s.timedHandle.predict(in.row);
  }

  @Benchmark
  public float[] volatileField(Shared s, Input in) {
    return s.field.predict(in.row);
  }

  @Benchmark
  public float[] synchronizedGetter(Shared s, Input in) {
    return s.guarded().predict(in.row);
  }

  @Benchmark
  public float[] readWriteLockManager(Shared s, Input in) {
    return s.managed(Fixtures.MODEL).predict(in.row);
  }

  @Benchmark
  public void lookupRegistry(Shared s, Blackhole bh) {
    bh.consume(s.registry.current(Fixtures.MODEL));
  }

  @Benchmark
  public void lookupVolatileField(Shared s, Blackhole bh) {
    bh.consume(s.field);
  }

  @Benchmark
  public void lookupSynchronizedGetter(Shared s, Blackhole bh) {
    bh.consume(s.guarded());
  }

  @Benchmark
  public void lookupReadWriteLockManager(Shared s, Blackhole bh) {
    bh.consume(s.managed(Fixtures.MODEL));
  }
}
