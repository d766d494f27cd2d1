package dev.modelregistry.benchmarks;

import dev.modelregistry.Model;
import dev.modelregistry.Publication;
import dev.modelregistry.onnx.OnnxModelLoader;
import dev.modelregistry.spi.Predictor;
import dev.modelregistry.xgboost.XGBoostModelLoader;
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

/**
 * A prediction through the registry against the same model called directly, per framework, for one row and
 * a batch of 256: what the registry adds to real models.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PredictBenchmark {

  @Param({"linear", "xgboost", "onnx"})
  public String framework;

  @Param({"1", "256"})
  public int rows;

  private Fixtures.Served served;
  private Model model;
  private Predictor direct;
  private float[] row;
  private float[][] batch;

  @Setup(Level.Trial)
  public void setUp() {
    int width;
    switch (framework) {
      case "linear" -> {
        served = Fixtures.serve(Fixtures.linearPublication());
        direct = Fixtures.linearDirect();
        width = 5;
      }
      case "xgboost" -> {
        byte[] booster = Fixtures.trainXgboost();
        served = Fixtures.serve(Publication.builder().file("model.ubj", booster).build());
        direct = Fixtures.loadDirect(new XGBoostModelLoader(), "model.ubj", booster);
        width = Fixtures.XGB_FEATURES;
      }
      case "onnx" -> {
        byte[] onnx = Fixtures.onnxModel();
        served = Fixtures.serve(Publication.builder().file("model.onnx", onnx).build());
        direct = Fixtures.loadDirect(new OnnxModelLoader(), "model.onnx", onnx);
        width = direct.inputWidth().orElseThrow();
      }
      default -> throw new IllegalArgumentException("framework " + framework);
    }
    model = served.registry().current(Fixtures.MODEL);
    batch = Fixtures.rows(rows, width, 7);
    row = batch[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    served.close();
    direct.close();
  }

  @Benchmark
  public Object direct() {
    return rows == 1 ? direct.predict(row) : direct.predict(batch);
  }

  @Benchmark
  public Object registry() {
    return rows == 1 ? model.predict(row) : model.predict(batch);
  }
}
