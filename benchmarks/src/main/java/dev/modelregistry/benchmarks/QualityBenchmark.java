package dev.modelregistry.benchmarks;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Outcome;
import dev.modelregistry.Publication;
import dev.modelregistry.QualityPolicy;
import dev.modelregistry.linear.LinearModel;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The cost of watching quality: the read path with one call in 16 sampling its input against a model whose
 * manifest has a training reference ({@code predictSampled}) beside the same model unwatched ({@code
 * predict}), and {@code recordOutcome} (run it with {@code -t 2} for two reporting threads).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QualityBenchmark {

  private static final List<String> FEATURES = List.of("a", "b", "c", "d", "e");

  /** Two models, one watched with input sampling at 1/16. */
  @State(Scope.Benchmark)
  public static class Shared {
    ModelRegistry registry;
    Model plain;
    Model sampled;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      InMemoryModelStore store = new InMemoryModelStore("bench");
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("bench").build();
      Random random = new Random(1);
      float[][] training = new float[2000][FEATURES.size()];
      for (float[] row : training) {
        for (int f = 0; f < row.length; f++) {
          row[f] = random.nextFloat();
        }
      }
      for (String model : new String[] {"plain", "sampled"}) {
        publisher.publish(model, Publication.builder()
            .file("model.json", LinearModel.logistic(0.1f, 0.5f, -0.2f, 0.1f, 0.3f, -0.4f).toJson())
            .features(FEATURES).reference(training).metrics(Map.of("accuracy", 0.7)).build());
        publisher.promote(model, "v1", null);
      }
      registry = ModelRegistry.builder().store(store).polling(false)
          .cacheDirectory(Files.createTempDirectory("bench-quality"))
          .model("plain").model("sampled")
          .quality("sampled", QualityPolicy.builder().inputSampling(16).build())
          .qualityInterval(Duration.ofMillis(10))
          .build();
      plain = registry.current("plain");
      sampled = registry.current("sampled");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      registry.close();
    }
  }

  /** Each thread's row and outcome. */
  @State(Scope.Thread)
  public static class Caller {
    float[] row;
    Outcome outcome;

    @Setup(Level.Trial)
    public void setUp() {
      row = Fixtures.rows(1, 5, Thread.currentThread().getId())[0];
      outcome = Outcome.of("sampled", "v1", new float[] {0.7f}, 1);
    }
  }

  @Benchmark
  public float[] predict(Shared s, Caller c) {
    return s.plain.predict(c.row);
  }

  @Benchmark
  public float[] predictSampled(Shared s, Caller c) {
    return s.sampled.predict(c.row);
  }

  @Benchmark
  public boolean recordOutcome(Shared s, Caller c) {
    return s.registry.recordOutcome(c.outcome);
  }
}
