package dev.modelregistry.benchmarks;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
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
 * The cost of rollouts on the read path, with the built-in linear model (so the model's own work is small
 * and the routing shows).
 *
 * <ul>
 *   <li>{@code predict}: a kept {@code Model}, no canary: today's read path.
 *   <li>{@code predictCanary}: the same model with a 10 % canary: a random draw per call.
 *   <li>{@code forUnitCanary}: {@code model.forUnit(id).predict(row)} with a 16-character id and a 10 %
 *       canary: Unleash's bucket of the id, computed per call.
 *   <li>{@code forUnitNoCanary}: {@code forUnit} on a model without a canary.
 *   <li>{@code shadowOff}, {@code shadowOn}: a model without and with a shadow that gets every call (sample
 *       1.0), for the primary's latency distribution ({@code -bm sample} gives p99).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RolloutBenchmark {

  /** Three models on one store: plain, with a 10 % canary, with a shadow on every call. */
  @State(Scope.Benchmark)
  public static class Shared {
    ModelRegistry registry;
    Model plain;
    Model canary;
    Model shadow;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      InMemoryModelStore store = new InMemoryModelStore("bench");
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("bench").build();
      for (String model : new String[] {"plain", "canary", "shadow"}) {
        publisher.publish(model, Fixtures.linearPublication());
        publisher.publish(model, Fixtures.linearPublication());
        publisher.promote(model, "v1", null);
      }
      publisher.startCanary("canary", "v2", 10, null);
      publisher.startShadow("shadow", "v2", 1.0, null);
      registry = ModelRegistry.builder().store(store).polling(false)
          .cacheDirectory(Files.createTempDirectory("bench-rollout"))
          .model("plain").model("canary").model("shadow").build();
      plain = registry.current("plain");
      canary = registry.current("canary");
      shadow = registry.current("shadow");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      registry.close();
    }
  }

  /** Each thread's row, and a unit id of 16 characters that changes per call. */
  @State(Scope.Thread)
  public static class Caller {
    float[] row;
    String[] units;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      row = Fixtures.rows(1, 5, Thread.currentThread().getId())[0];
      units = new String[1024];
      for (int i = 0; i < units.length; i++) {
        units[i] = String.format("user-%011d", i * 7919L + Thread.currentThread().getId());
      }
    }

    String unit() {
      return units[next++ & 1023];
    }
  }

  @Benchmark
  public float[] predict(Shared s, Caller c) {
    return s.plain.predict(c.row);
  }

  @Benchmark
  public float[] predictCanary(Shared s, Caller c) {
    return s.canary.predict(c.row);
  }

  @Benchmark
  public float[] forUnitCanary(Shared s, Caller c) {
    return s.canary.forUnit(c.unit()).predict(c.row);
  }

  @Benchmark
  public float[] forUnitNoCanary(Shared s, Caller c) {
    return s.plain.forUnit(c.unit()).predict(c.row);
  }

  @Benchmark
  public float[] shadowOff(Shared s, Caller c) {
    return s.plain.predict(c.row);
  }

  @Benchmark
  public float[] shadowOn(Shared s, Caller c) {
    return s.shadow.predict(c.row);
  }
}
