package dev.modelregistry.onnx;

import static java.nio.charset.StandardCharsets.UTF_8;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.Publication;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For registry-level tests: an in-memory store, a publisher on it, registries closed after each test, the
 * committed fixtures, and direct ONNX Runtime calls to compare with.
 */
abstract class OnnxHarness {

  static final String MODEL = "t20_win_predictor";
  static final List<String> FEATURES = List.of("runs_needed", "balls_left", "wickets_left");

  @TempDir Path dir;
  InMemoryModelStore memory;
  ModelPublisher publisher;
  final List<ModelRegistry> registries = new ArrayList<>();

  @BeforeEach
  void setUpStore() {
    memory = new InMemoryModelStore();
    publisher = ModelPublisher.on(memory);
  }

  @AfterEach
  void closeRegistries() {
    registries.forEach(ModelRegistry::close);
  }

  /** A builder on the store with polling off; loaders are discovered unless the test adds one. */
  ModelRegistry.Builder builder() {
    return ModelRegistry.builder().store(memory).cacheDirectory(dir.resolve("cache")).polling(false);
  }

  ModelRegistry build(ModelRegistry.Builder builder) {
    ModelRegistry registry = builder.build();
    registries.add(registry);
    return registry;
  }

  /** Publishes and promotes; returns the version id. */
  String release(Publication publication) {
    String version = publisher.publish(MODEL, publication).version().value();
    publisher.promote(MODEL, version, null);
    return version;
  }

  /** A publication of {@code model.onnx} with the three-feature schema. */
  static Publication onnx(byte[] model) {
    return Publication.builder().file("model.onnx", model).features(FEATURES).build();
  }

  /** Refreshes and returns the failure the registry reports for the newest version. */
  static String failureAfterRefresh(ModelRegistry registry) {
    registry.refresh();
    ModelStatus.Failure failure = registry.status(MODEL).lastFailure();
    if (failure == null) {
      throw new AssertionError("expected a load failure, but the registry serves " + registry.status(MODEL).version());
    }
    return failure.message();
  }

  /** A committed fixture's bytes. */
  static byte[] fixture(String name) {
    try (InputStream in = OnnxHarness.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name + " on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  /** {@code n} rows of {@code width} values in [-2, 2), the same for the same seed. */
  static float[][] rows(int n, int width, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        row[j] = random.nextFloat() * 4 - 2;
      }
    }
    return rows;
  }

  // ------------------------------------------------------------------ direct ONNX Runtime

  /**
   * Runs {@code model} directly with ONNX Runtime (a session of its own, {@code createTensor(env,
   * float[][])}, all rows in one run) and returns output {@code output} per row: a tensor's rows, or for a
   * ZipMap the probability of each of {@code classes}, looked up by class label.
   */
  static float[][] direct(byte[] model, String output, float[][] rows, Object... classes) throws OrtException {
    return direct(model, output, false, rows, classes);
  }

  /** {@link #direct(byte[], String, float[][], Object...)} with one run per row, the shape of single-row calls. */
  static float[][] directEachRow(byte[] model, String output, float[][] rows, Object... classes) throws OrtException {
    return direct(model, output, true, rows, classes);
  }

  private static float[][] direct(byte[] model, String output, boolean eachRow, float[][] rows, Object... classes)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options)) {
        if (!eachRow) {
          return run(env, session, output, rows, classes);
        }
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          out[i] = run(env, session, output, new float[][] {rows[i]}, classes)[0];
        }
        return out;
      }
    }
  }

  private static float[][] run(OrtEnvironment env, OrtSession session, String output, float[][] rows,
      Object... classes) throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, rows);
        OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
      OnnxValue value = result.get(output).orElseThrow();
      if (value instanceof OnnxTensor tensor) {
        Object array = tensor.getValue();
        if (array instanceof float[] flat) {
          float[][] out = new float[flat.length][];
          for (int i = 0; i < flat.length; i++) {
            out[i] = new float[] {flat[i]};
          }
          return out;
        }
        return (float[][]) array;
      }
      List<? extends OnnxValue> maps = ((OnnxSequence) value).getValue();
      try {
        float[][] out = new float[maps.size()][classes.length];
        for (int i = 0; i < out.length; i++) {
          Map<?, ?> map = ((OnnxMap) maps.get(i)).getValue();
          for (int c = 0; c < classes.length; c++) {
            out[i][c] = ((Number) map.get(classes[c])).floatValue();
          }
        }
        return out;
      } finally {
        OnnxValue.close(maps);
      }
    }
  }

  // ------------------------------------------------------------------ the fixtures' math, in double precision

  static double linear(float[] w, float b, float[] x) {
    double z = b;
    for (int i = 0; i < w.length; i++) {
      z += (double) w[i] * x[i];
    }
    return z;
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static double[] softmax(float[][] w, float[] b, float[] x) {
    double[] z = new double[w.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < w.length; c++) {
      z[c] = linear(w[c], b[c], x);
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < z.length; c++) {
      z[c] /= sum;
    }
    return z;
  }
}
