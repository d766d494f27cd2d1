package dev.modelregistry.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints single-row and 256-row batch latency of ONNX models, called directly with ONNX Runtime (three ways
 * of building the input tensor, two of reading the output) and through the registry, on one thread after a
 * warm-up. A measurement to read, not a test: nothing here asserts a time. JMH benchmarks live in {@code
 * benchmarks/}.
 *
 * <pre>
 * mvn -q -B -pl registry-onnx test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.modelregistry.onnx.LatencyReport [-Dexec.args="0.5"]
 * </pre>
 *
 * <p>The optional argument is the length of a round in seconds (default 0.5). Each way of calling is run
 * for 2 warm-up rounds and 5 measured rounds; each figure is the median over the rounds of the mean time
 * per call.
 */
final class LatencyReport {

  static final int BATCH = 256;
  private static final int WARMUP_ROUNDS = 2;
  private static final int ROUNDS = 5;

  private LatencyReport() {}

  /** One way of calling a model: predicts the rows it is given and returns something, so nothing is optimized away. */
  interface Call {
    Object call(float[][] rows) throws Exception;
  }

  /**
   * One line of the report.
   *
   * @param model the fixture
   * @param how the way of calling it
   * @param singleMicros microseconds per single-row call
   * @param batchMicros microseconds per 256-row call
   */
  record Line(String model, String how, double singleMicros, double batchMicros) {}

  public static void main(String[] args) throws Exception {
    double roundSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.5;
    List<Line> lines = measure(roundSeconds);
    System.out.println(format(lines));
  }

  /** Measures every way of calling each fixture, in rounds of about {@code roundSeconds} each. */
  static List<Line> measure(double roundSeconds) throws Exception {
    long roundNanos = (long) (roundSeconds * 1e9);
    float[][] oneRow = OnnxHarness.rows(1, 3, 1);
    float[][] rows = OnnxHarness.rows(BATCH, 3, 2);
    List<Line> lines = new ArrayList<>();
    Path dir = Files.createTempDirectory("onnx-latency");
    for (String fixture : List.of("regressor_v1.onnx", "binary_tensor.onnx", "binary_zipmap_v1.onnx")) {
      byte[] model = OnnxHarness.fixture(fixture);
      String output = fixture.startsWith("regressor") ? "score" : "probabilities";
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        OnnxOptions.defaults().configure(options);
        try (OrtSession session = env.createSession(model, options)) {
          String input = session.getInputNames().iterator().next();
          Set<String> outputs = Set.of(output);
          Map<String, Call> calls = new LinkedHashMap<>();
          calls.put("direct: createTensor(env, float[][]), getValue()", r -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, r);
                OrtSession.Result result = session.run(Map.of(input, t), outputs)) {
              return readDirect(result.get(0), false);
            }
          });
          calls.put("direct: heap FloatBuffer per call", r -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(flatten(r)), new long[] {r.length, 3});
                OrtSession.Result result = session.run(Map.of(input, t), outputs)) {
              return readDirect(result.get(0), true);
            }
          });
          FloatBuffer reused = ByteBuffer.allocateDirect(BATCH * 3 * Float.BYTES).order(ByteOrder.nativeOrder())
              .asFloatBuffer();
          calls.put("direct: reused direct FloatBuffer, getValue()", r -> {
            fill(reused, r);
            try (OnnxTensor t = OnnxTensor.createTensor(env, reused, new long[] {r.length, 3});
                OrtSession.Result result = session.run(Map.of(input, t), outputs)) {
              return readDirect(result.get(0), false);
            }
          });
          calls.put("direct: reused direct FloatBuffer", r -> {
            fill(reused, r);
            try (OnnxTensor t = OnnxTensor.createTensor(env, reused, new long[] {r.length, 3});
                OrtSession.Result result = session.run(Map.of(input, t), outputs)) {
              return readDirect(result.get(0), true);
            }
          });
          InMemoryModelStore store = new InMemoryModelStore();
          ModelPublisher.on(store).publish(OnnxHarness.MODEL, OnnxHarness.onnx(model));
          ModelPublisher.on(store).promote(OnnxHarness.MODEL, "v1", null);
          try (ModelRegistry registry = ModelRegistry.builder()
              .store(store)
              .cacheDirectory(dir.resolve(fixture))
              .polling(false)
              .model(OnnxHarness.MODEL)
              .build()) {
            Model served = registry.current(OnnxHarness.MODEL);
            calls.put("registry: current(name).predict", r -> r.length == 1 ? served.predict(r[0]) : served.predict(r));
            for (Map.Entry<String, Call> e : calls.entrySet()) {
              lines.add(new Line(fixture, e.getKey(), time(e.getValue(), oneRow, roundNanos),
                  time(e.getValue(), rows, roundNanos)));
            }
          }
        }
      }
    }
    return lines;
  }

  /** The median over the rounds of the mean microseconds per call, after the warm-up rounds. */
  private static double time(Call call, float[][] rows, long roundNanos) throws Exception {
    double[] rounds = new double[ROUNDS];
    Object sink = null;
    for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
      long start = System.nanoTime();
      long calls = 0;
      long took;
      do {
        for (int i = 0; i < 16; i++) {
          sink = call.call(rows);
        }
        calls += 16;
        took = System.nanoTime() - start;
      } while (took < roundNanos);
      if (round >= 0) {
        rounds[round] = took / 1e3 / calls;
      }
    }
    if (sink == null) {
      throw new IllegalStateException("no output");
    }
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }

  private static Object readDirect(OnnxValue value, boolean viaBuffer) throws OrtException {
    if (value instanceof OnnxTensor tensor) {
      return viaBuffer ? tensor.getFloatBuffer().array() : tensor.getValue();
    }
    List<? extends OnnxValue> maps = ((OnnxSequence) value).getValue();
    try {
      List<Map<?, ?>> out = new ArrayList<>(maps.size());
      for (OnnxValue map : maps) {
        out.add(((OnnxMap) map).getValue());
      }
      return out;
    } finally {
      OnnxValue.close(maps);
    }
  }

  private static void fill(FloatBuffer buffer, float[][] rows) {
    buffer.clear();
    for (float[] row : rows) {
      buffer.put(row);
    }
    buffer.flip();
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
    }
    return flat;
  }

  /** The report as a Markdown table. */
  static String format(List<Line> lines) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "ONNX Runtime %s, Java %s, %d processors, one thread, median of %d rounds%n%n"
            + "| model | how | 1 row (µs) | %d rows (µs) |%n|---|---|---:|---:|%n",
        OrtEnvironment.getEnvironment().getVersion(), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), ROUNDS, BATCH));
    for (Line line : lines) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n",
          line.model(), line.how(), line.singleMicros(), line.batchMicros()));
    }
    return out.toString();
  }
}
