package dev.modelregistry.benchmarks;

import dev.modelregistry.Model;
import dev.modelregistry.ModelRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Many models: what {@code current(name)} costs when the name is a discovered model among 10,000 loaded ones
 * (a Caffeine lookup after the declared map misses), against a declared model (the fixed map, as {@link
 * ReadPathBenchmark#lookupRegistry}); and what a miss costs when the version is in the local cache (a
 * registry bounded to 16 models, asked for 2,000 names in turn, so every call loads: pointer read, cache
 * check, load of the linear model).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManyModelsBenchmark {


  /** A registry with one declared model, as in the read-path benchmark. */
  @State(Scope.Benchmark)
  public static class Declared {
    Fixtures.Served served;
    ModelRegistry registry;
    /** The model's name, equal to the registry's but another String object. */
    String otherName;

    @Setup(Level.Trial)
    public void setUp() {
      served = Fixtures.serve(Fixtures.linearPublication());
      registry = served.registry();
      otherName = new String(Fixtures.MODEL.toCharArray());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      served.close();
    }
  }

  /** A registry with 10,000 discovered models loaded. */
  @State(Scope.Benchmark)
  public static class Discovered {
    /** How many models are loaded (the smoke test uses fewer). */
    @Param("10000")
    public int models;

    Fixtures.Served served;
    ModelRegistry registry;
    String[] names;
    /** The middle name as the registry keeps it: the same String object, so the lookup skips equals(). */
    String kept;

    @Setup(Level.Trial)
    public void setUp() {
      served = Fixtures.serveMany(models, 0);
      registry = served.registry();
      names = new String[models];
      for (int i = 0; i < models; i++) {
        names[i] = Fixtures.manyName(i);
      }
      String middle = names[models / 2];
      kept = registry.models().stream().filter(middle::equals).findFirst().orElseThrow();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      served.close();
    }
  }

  /** A registry bounded to 16 models, whose local cache holds 2,000. */
  @State(Scope.Benchmark)
  public static class Bounded {
    /** How many models the local cache holds (the smoke test uses fewer). */
    @Param("2000")
    public int missModels;

    Fixtures.Served served;
    ModelRegistry registry;
    String[] names;

    @Setup(Level.Trial)
    public void setUp() {
      served = Fixtures.serveMany(missModels, 16);
      registry = served.registry();
      names = new String[missModels];
      for (int i = 0; i < missModels; i++) {
        names[i] = Fixtures.manyName(i);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      served.close();
    }
  }

  /** Each thread's position in the names. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    final float[] row = Fixtures.rows(1, 5, 7)[0];
  }

  @Benchmark
  public void lookupDeclared(Declared s, Blackhole bh) {
    bh.consume(s.registry.current(Fixtures.MODEL));
  }

  /**
   * The same name every time, among 10,000 loaded: an equal String but not the registry's own, as a name
   * read from a request is, so the map compares the characters.
   */
  @Benchmark
  public void lookupDiscoveredHit(Discovered s, Blackhole bh) {
    bh.consume(s.registry.current(s.names[s.names.length / 2]));
  }

  /** As {@link #lookupDiscoveredHit}, with the registry's own String, as {@link #lookupDeclared} has. */
  @Benchmark
  public void lookupDiscoveredHitSameString(Discovered s, Blackhole bh) {
    bh.consume(s.registry.current(s.kept));
  }

  /** As {@link #lookupDeclared}, with an equal String that is not the registry's own. */
  @Benchmark
  public void lookupDeclaredOtherString(Declared s, Blackhole bh) {
    bh.consume(s.registry.current(s.otherName));
  }

  /** A different name each time, all 10,000 in turn (cache misses in the CPU's caches, not the registry's). */
  @Benchmark
  public void lookupDiscoveredHitSpread(Discovered s, Cursor c, Blackhole bh) {
    int i = c.next;
    c.next = i + 1 >= s.names.length ? 0 : i + 1;
    bh.consume(s.registry.current(s.names[i]));
  }

  /** A name not loaded: loaded from the local cache (no download), then one prediction. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float[] missFromLocalCache(Bounded s, Cursor c) {
    int i = c.next;
    c.next = i + 1 >= s.names.length ? 0 : i + 1;
    Model model = s.registry.current(s.names[i]);
    return model.predict(c.row);
  }
}
