package dev.modelregistry.onnx;

import static dev.modelregistry.onnx.OnnxFixtures.BINARY_V1_B;
import static dev.modelregistry.onnx.OnnxFixtures.BINARY_V1_W;
import static dev.modelregistry.onnx.OnnxFixtures.BINARY_V2_B;
import static dev.modelregistry.onnx.OnnxFixtures.BINARY_V2_W;
import static dev.modelregistry.onnx.OnnxFixtures.MULTICLASS_B;
import static dev.modelregistry.onnx.OnnxFixtures.MULTICLASS_LABELS;
import static dev.modelregistry.onnx.OnnxFixtures.MULTICLASS_W;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V1_B;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V1_W;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V2_B;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V2_W;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Predictions through the registry ({@code registry.current(name).predict(...)}) equal direct ONNX Runtime
 * calls on the same file within 1e-6, single rows and batches, for every fixture; and both equal the
 * fixture's math computed in double precision within 1e-5, so the fixtures are the models they claim to be.
 */
class ParityTest extends OnnxHarness {

  private static final double PARITY = 1e-6;
  private static final double MATH = 1e-5;
  private static final float[][] ROWS = rows(256, 3, 42);

  /**
   * One fixture: the output to compare, the classes a ZipMap is looked up by, what the registry returns of
   * the direct output (all of it, or a binary classifier's positive class), and the math.
   */
  record Case(String fixture, String output, Object[] classes, boolean positiveClassOnly,
      Function<float[], double[]> math) {

    @Override
    public String toString() {
      return fixture;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("regressor_v1.onnx", "score", new Object[0], false,
            x -> new double[] {linear(REGRESSOR_V1_W, REGRESSOR_V1_B, x)}),
        new Case("regressor_v2.onnx", "score", new Object[0], false,
            x -> new double[] {linear(REGRESSOR_V2_W, REGRESSOR_V2_B, x)}),
        new Case("binary_zipmap_v1.onnx", "probabilities", new Object[] {0L, 1L}, true,
            x -> new double[] {sigmoid(linear(BINARY_V1_W, BINARY_V1_B, x))}),
        new Case("binary_zipmap_v2.onnx", "probabilities", new Object[] {0L, 1L}, true,
            x -> new double[] {sigmoid(linear(BINARY_V2_W, BINARY_V2_B, x))}),
        new Case("binary_tensor.onnx", "probabilities", new Object[0], true,
            x -> new double[] {sigmoid(linear(BINARY_V1_W, BINARY_V1_B, x))}),
        new Case("multiclass_zipmap.onnx", "probabilities", MULTICLASS_LABELS.clone(), false,
            x -> softmax(MULTICLASS_W, MULTICLASS_B, x)));
  }

  private Model serve(Case c) {
    release(onnx(fixture(c.fixture())));
    ModelRegistry registry = build(builder().model(MODEL));
    return registry.current(MODEL);
  }

  /**
   * What the registry should return for each row: the direct output, or its positive-class column; run the
   * way the registry will (all rows at once, or one run per row), as batched kernels may round differently.
   */
  private static float[][] expected(Case c, float[][] rows, boolean eachRow) throws Exception {
    byte[] model = fixture(c.fixture());
    float[][] direct = eachRow
        ? directEachRow(model, c.output(), rows, c.classes())
        : direct(model, c.output(), rows, c.classes());
    if (!c.positiveClassOnly()) {
      return direct;
    }
    return Arrays.stream(direct).map(p -> new float[] {p[1]}).toArray(float[][]::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void singleRowsEqualDirectOnnxRuntimeAndTheMath(Case c) throws Exception {
    Model model = serve(c);
    float[][] expected = expected(c, ROWS, true);
    for (int i = 0; i < ROWS.length; i++) {
      float[] got = model.predict(ROWS[i]);
      assertClose(got, expected[i], PARITY, c + " row " + i + " vs direct");
      assertClose(got, c.math().apply(ROWS[i]), MATH, c + " row " + i + " vs math");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void batchesEqualDirectOnnxRuntimeAndTheMath(Case c) throws Exception {
    Model model = serve(c);
    for (int size : new int[] {1, 2, 7, 64, 256}) {
      float[][] batch = Arrays.copyOf(ROWS, size);
      float[][] got = model.predict(batch);
      float[][] expected = expected(c, batch, false);
      assertThat(got).as("%s batch of %d", c, size).hasDimensions(size, expected[0].length);
      for (int i = 0; i < size; i++) {
        assertClose(got[i], expected[i], PARITY, c + " batch " + size + " row " + i + " vs direct");
        assertClose(got[i], c.math().apply(batch[i]), MATH, c + " batch " + size + " row " + i + " vs math");
      }
    }
  }

  /** Not bit for bit: ONNX Runtime's batched kernels (MLAS GEMM, vectorized exp) may round differently. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aBatchEqualsItsRowsOneByOne(Case c) {
    Model model = serve(c);
    float[][] batch = model.predict(ROWS);
    for (int i = 0; i < ROWS.length; i++) {
      assertClose(batch[i], model.predict(ROWS[i]), PARITY, c + " row " + i);
    }
  }

  @Test
  void featuresByNameAreOrderedBySchemaJson() {
    Model model = serve(cases().findFirst().orElseThrow());
    Map<String, Number> named = new HashMap<>();
    named.put("wickets_left", ROWS[3][2]);
    named.put("runs_needed", ROWS[3][0]);
    named.put("balls_left", ROWS[3][1]);
    assertThat(model.predict(named)).containsExactly(model.predict(ROWS[3]));
  }

  @Test
  void zipMapAndTensorProbabilitiesOfTheSameClassifierAreIdentical() {
    release(onnx(fixture("binary_zipmap_v1.onnx")));
    Model zipMap = build(builder().model(MODEL)).current(MODEL);
    float[][] fromMaps = zipMap.predict(ROWS);
    setUpStore();
    release(onnx(fixture("binary_tensor.onnx")));
    Model tensor = build(ModelRegistry.builder().store(memory).cacheDirectory(dir.resolve("cache2")).polling(false)
        .model(MODEL)).current(MODEL);
    assertThat(tensor.predict(ROWS)).isDeepEqualTo(fromMaps);
  }

  @Test
  void bothClassesReturnsTheWholeProbabilityRowInClassOrder() throws Exception {
    OnnxOptions both = OnnxOptions.builder().binaryOutput(OnnxOptions.BinaryOutput.BOTH_CLASSES).build();
    release(onnx(fixture("binary_zipmap_v1.onnx")));
    Model model = build(builder().loader(new OnnxModelLoader(both)).model(MODEL)).current(MODEL);
    float[][] direct = direct(fixture("binary_zipmap_v1.onnx"), "probabilities", ROWS, 0L, 1L);
    float[][] batch = model.predict(ROWS);
    for (int i = 0; i < ROWS.length; i++) {
      assertClose(model.predict(ROWS[i]), direct[i], PARITY, "row " + i);
      assertClose(batch[i], direct[i], PARITY, "batch row " + i);
      assertThat(batch[i][0] + batch[i][1]).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void theSessionUnwrappedInALeaseIsTheOneThatServes() throws Exception {
    Model model = serve(cases().findFirst().orElseThrow());
    try (Lease lease = model.lease()) {
      OrtSession session = lease.unwrap(OrtSession.class);
      assertThat(session.getInputNames()).containsExactly("input");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {ROWS[0]});
          OrtSession.Result result = session.run(Map.of("input", input))) {
        assertThat(((float[][]) result.get(0).getValue())[0]).containsExactly(lease.predict(ROWS[0]));
      }
    }
  }

  static void assertClose(float[] got, float[] expected, double tolerance, String what) {
    assertThat(got).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < got.length; i++) {
      assertThat((double) got[i]).as("%s [%d]", what, i).isCloseTo(expected[i], within(tolerance));
    }
  }

  static void assertClose(float[] got, double[] expected, double tolerance, String what) {
    assertThat(got).as(what).hasSize(expected.length);
    for (int i = 0; i < got.length; i++) {
      assertThat((double) got[i]).as("%s [%d]", what, i).isCloseTo(expected[i], within(tolerance));
    }
  }
}
