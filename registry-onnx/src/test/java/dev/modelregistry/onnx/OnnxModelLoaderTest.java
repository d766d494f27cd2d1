package dev.modelregistry.onnx;

import static dev.modelregistry.onnx.OnnxFixtures.BATCH;
import static dev.modelregistry.onnx.OnnxFixtures.FLOAT;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V1_B;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V1_W;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V2_B;
import static dev.modelregistry.onnx.OnnxFixtures.REGRESSOR_V2_W;
import static dev.modelregistry.onnx.OnnxHarness.FEATURES;
import static dev.modelregistry.onnx.OnnxHarness.fixture;
import static dev.modelregistry.onnx.OnnxHarness.linear;
import static dev.modelregistry.onnx.OnnxHarness.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.modelregistry.VersionId;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader on its own: what it accepts, what it refuses and how it says so, and what it frees. */
class OnnxModelLoaderTest {

  @TempDir Path dir;
  private final OnnxModelLoader loader = new OnnxModelLoader();
  private final List<Predictor> loaded = new ArrayList<>();
  private int openBefore;

  @BeforeEach
  void countSessions() {
    openBefore = Sessions.open();
  }

  @AfterEach
  void closeAndCheckNothingLeaks() {
    loaded.forEach(Predictor::close);
    assertThat(Sessions.open()).as("sessions left open by the test").isEqualTo(openBefore);
  }

  private ModelArtifacts artifacts(Map<String, byte[]> files, List<String> features) throws IOException {
    Path version = Files.createTempDirectory(dir, "v");
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(version.resolve(e.getKey()), e.getValue());
    }
    return new ModelArtifacts("t20_win_predictor", VersionId.of("v7"), version, List.copyOf(files.keySet()),
        null, features, Map.of());
  }

  private ModelArtifacts artifacts(byte[] model) throws IOException {
    return artifacts(Map.of("model.onnx", model), List.of());
  }

  private OnnxPredictor load(ModelLoader with, ModelArtifacts artifacts) throws IOException {
    Predictor predictor = with.load(artifacts);
    loaded.add(predictor);
    return (OnnxPredictor) predictor;
  }

  private OnnxPredictor load(byte[] model) throws IOException {
    return load(loader, artifacts(model));
  }

  private String refusal(ModelLoader with, ModelArtifacts artifacts) {
    int open = Sessions.open();
    Throwable thrown = catchThrowable(() -> load(with, artifacts));
    assertThat(thrown).as("the load should have been refused").isInstanceOf(RuntimeException.class);
    assertThat(Sessions.open()).as("the refused model's session is closed").isEqualTo(open);
    return thrown.getMessage();
  }

  private String refusal(byte[] model) throws IOException {
    return refusal(loader, artifacts(model));
  }

  // ------------------------------------------------------------------ discovery and format

  @Test
  void isFoundByServiceLoaderWithTheDefaults() {
    List<ModelLoader> found = new ArrayList<>();
    ServiceLoader.load(ModelLoader.class).forEach(found::add);
    assertThat(found).filteredOn(l -> l instanceof OnnxModelLoader).singleElement()
        .satisfies(l -> {
          assertThat(l.format()).isEqualTo("onnx");
          assertThat(((OnnxModelLoader) l).options()).isSameAs(OnnxOptions.defaults());
        });
  }

  @Test
  void recognizesAVersionWithExactlyOneOnnxOrOrtFile() throws IOException {
    byte[] model = fixture("regressor_v1.onnx");
    assertThat(loader.recognizes(artifacts(Map.of("model.onnx", model), List.of()))).isTrue();
    assertThat(loader.recognizes(artifacts(Map.of("win_model.ort", model), List.of()))).isTrue();
    assertThat(loader.recognizes(artifacts(Map.of("MODEL.ONNX", model), List.of()))).isTrue();
    assertThat(loader.recognizes(artifacts(Map.of("weights.dat", model), List.of()))).isFalse();
    assertThat(loader.recognizes(artifacts(Map.of("a.onnx", model, "b.onnx", model), List.of()))).isFalse();
  }

  // ------------------------------------------------------------------ signatures

  @Test
  void aRegressorReturnsItsOnlyOutputAndKnowsItsWidth() throws IOException {
    OnnxPredictor predictor = load(fixture("regressor_v1.onnx"));
    assertThat(predictor.inputWidth()).isEqualTo(OptionalInt.of(3));
    assertThat(predictor.signature()).satisfies(s -> {
      assertThat(s.inputName()).isEqualTo("input");
      assertThat(s.inputShape()).isEqualTo("[N, 3]");
      assertThat(s.batched()).isTrue();
      assertThat(s.output()).isEqualTo(new OutputReader(
          "score", "tensor of float [N, 1]", OutputReader.Kind.FLOAT_TENSOR, false, false));
    });
    assertThat(predictor.toString()).isEqualTo("OnnxPredictor[model t20_win_predictor v7, input input [N, 3],"
        + " output score (tensor of float [N, 1])]");
  }

  @Test
  void aZipMapClassifierReturnsItsProbabilitiesNotItsLabels() throws IOException {
    OnnxPredictor predictor = load(fixture("binary_zipmap_v1.onnx"));
    assertThat(predictor.signature().output()).isEqualTo(new OutputReader("probabilities",
        "sequence of maps int64 → float", OutputReader.Kind.MAPS, true, true));
    float p = predictor.predict(new float[] {1, 2, 3})[0];
    assertThat((double) p).isCloseTo(OnnxHarness.sigmoid(-1.35), within(1e-6));
  }

  @Test
  void aTensorClassifierIsToldByItsLabelOutput() throws IOException {
    OnnxPredictor predictor = load(fixture("binary_tensor.onnx"));
    assertThat(predictor.signature().output()).isEqualTo(new OutputReader("probabilities",
        "tensor of float [N, 2]", OutputReader.Kind.FLOAT_TENSOR, true, true));
    assertThat(predictor.predict(new float[] {1, 2, 3})).hasSize(1);
  }

  @Test
  void aMultiClassClassifierReturnsOneProbabilityPerClassInLabelOrder() throws IOException {
    OnnxPredictor predictor = load(fixture("multiclass_zipmap.onnx"));
    float[] x = {1, 2, 3};
    double[] expected = OnnxHarness.softmax(OnnxFixtures.MULTICLASS_W, OnnxFixtures.MULTICLASS_B, x);
    ParityTest.assertClose(predictor.predict(x), expected, 1e-6, "away, draw, home");
  }

  @Test
  void twoProbabilitiesOfARegressorAreNotCollapsed() throws IOException {
    OnnxPredictor predictor = load(OnnxFixtures.cast(OnnxFixtures.DOUBLE, 2));
    assertThat(predictor.signature().output().classifier()).isFalse();
    assertThat(predictor.predict(new float[] {0.25f, 0.75f})).containsExactly(0.25f, 0.75f);
  }

  @Test
  void doubleOutputsAreReturnedAsFloats() throws IOException {
    OnnxPredictor predictor = load(OnnxFixtures.cast(OnnxFixtures.DOUBLE, 3));
    assertThat(predictor.signature().output().kind()).isEqualTo(OutputReader.Kind.DOUBLE_TENSOR);
    float[][] rows = rows(5, 3, 1);
    assertThat(predictor.predict(rows)).isDeepEqualTo(rows);
  }

  @Test
  void anOpenFeatureDimensionLeavesTheWidthToTheSchemaAndRefusesAWrongRowAtRunTime() throws IOException {
    OnnxPredictor predictor = load(OnnxFixtures.regressor(REGRESSOR_V1_W, REGRESSOR_V1_B, BATCH, "F"));
    assertThat(predictor.inputWidth()).isEmpty();
    assertThat(predictor.signature().inputShape()).isEqualTo("[N, F]");
    assertThat((double) predictor.predict(new float[] {1, 2, 3})[0]).isCloseTo(4.75, within(1e-6));
    assertThatThrownBy(() -> predictor.predict(new float[] {1, 2}))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("model t20_win_predictor v7: ONNX Runtime could not run the model on 1 row(s) of 2"
            + " features (input input [N, F])");
    assertThatThrownBy(() -> predictor.predict(new float[][] {{1, 2, 3}, {1, 2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model t20_win_predictor v7: row 1 has 2 features but row 0 has 3");
  }

  @Test
  void aModelWithAFixedBatchOfOneIsRunRowByRow() throws IOException {
    OnnxPredictor predictor = load(OnnxFixtures.regressor(REGRESSOR_V1_W, REGRESSOR_V1_B, 1L));
    assertThat(predictor.signature().batched()).isFalse();
    float[][] rows = rows(9, 3, 2);
    float[][] batch = predictor.predict(rows);
    for (int i = 0; i < rows.length; i++) {
      assertThat((double) batch[i][0]).isCloseTo(linear(REGRESSOR_V1_W, REGRESSOR_V1_B, rows[i]), within(1e-5));
    }
  }

  @Test
  void anEmptyBatchGivesNoRows() throws IOException {
    assertThat(load(fixture("regressor_v1.onnx")).predict(new float[0][])).isEmpty();
  }

  // ------------------------------------------------------------------ output selection

  @Test
  void anOutputChosenByNameIsReturned() throws IOException {
    byte[] model = OnnxFixtures.twoOutputs(REGRESSOR_V1_W, REGRESSOR_V1_B, REGRESSOR_V2_W, REGRESSOR_V2_B);
    float[] x = {1, 2, 3};
    assertThat((double) load(model).predict(x)[0]).as("the first float output by default")
        .isCloseTo(linear(REGRESSOR_V1_W, REGRESSOR_V1_B, x), within(1e-5));
    OnnxModelLoader second = new OnnxModelLoader(OnnxOptions.builder().output("second").build());
    assertThat((double) load(second, artifacts(model)).predict(x)[0])
        .isCloseTo(linear(REGRESSOR_V2_W, REGRESSOR_V2_B, x), within(1e-5));
  }

  @Test
  void anOutputNameTheModelDoesNotHaveIsRefusedListingItsOutputs() throws IOException {
    OnnxModelLoader named = new OnnxModelLoader(OnnxOptions.builder().output("probs").build());
    assertThat(refusal(named, artifacts(fixture("binary_zipmap_v1.onnx")))).isEqualTo(
        "model.onnx has no output named probs (outputs: label: tensor of int64 [N], probabilities: sequence of"
            + " maps int64 → float); set OnnxOptions.output(...) to one of them");
  }

  @Test
  void aLabelOutputChosenByNameIsRefused() throws IOException {
    OnnxModelLoader named = new OnnxModelLoader(OnnxOptions.builder().output("label").build());
    assertThat(refusal(named, artifacts(fixture("binary_zipmap_v1.onnx"))))
        .startsWith("model.onnx's output label is a tensor of int64 [N]; the registry returns float or double"
            + " tensors, or the sequence of maps that ZipMap makes: choose another output");
  }

  @Test
  void aModelWithNoFloatOutputIsRefused() throws IOException {
    assertThat(refusal(OnnxFixtures.cast(OnnxFixtures.INT64, 3))).isEqualTo(
        "model.onnx has no output the registry can return (output: tensor of int64 [N, 3]); it returns float or"
            + " double tensors, or the sequence of maps that ZipMap makes");
  }

  // ------------------------------------------------------------------ inputs the registry cannot feed

  @Test
  void anInt64InputIsRefusedSayingHowToExportAFloatOne() throws IOException {
    assertThat(refusal(fixture("int64_input.onnx"))).isEqualTo(
        "model.onnx takes its input int_input as a tensor of int64 [N, 3], but the registry passes float32"
            + " features; export the model with a float input (skl2onnx: initial_types=[(\"float_input\","
            + " FloatTensorType([None, n_features]))]; PyTorch: a torch.float32 example input), or cast inside"
            + " the graph");
  }

  @Test
  void twoInputsAreRefused() throws IOException {
    assertThat(refusal(OnnxFixtures.twoInputs())).startsWith(
        "model.onnx has 2 inputs (a: tensor of float [N, 3], b: tensor of float [N, 3]); the registry passes one"
            + " row of features");
  }

  @Test
  void anInputThatIsNotTwoDimensionalIsRefused() throws IOException {
    assertThat(refusal(OnnxFixtures.identity(FLOAT, BATCH, 3L, 2L)))
        .startsWith("model.onnx's input input has shape [N, 3, 2]; the registry needs [N, features]");
    assertThat(refusal(OnnxFixtures.identity(FLOAT, 3L)))
        .startsWith("model.onnx's input input has shape [3]; the registry needs [N, features]");
  }

  @Test
  void aFixedBatchLargerThanOneIsRefused() throws IOException {
    assertThat(refusal(OnnxFixtures.regressor(REGRESSOR_V1_W, REGRESSOR_V1_B, 8L))).isEqualTo(
        "model.onnx's input input has shape [8, 3], a fixed batch of 8 rows, but the registry predicts any"
            + " number of rows: export it with a dynamic batch dimension (skl2onnx: None as the first dimension;"
            + " PyTorch: dynamic_axes={\"input\": {0: \"N\"}}) or a batch of 1");
  }

  @Test
  void aSchemaOfAnotherWidthIsRefusedByTheLoader() throws IOException {
    ModelArtifacts wrong = artifacts(Map.of("model.onnx", fixture("regressor_v1.onnx")), List.of("a", "b"));
    assertThat(refusal(loader, wrong)).isEqualTo("schema.json lists 2 features [a, b] but model.onnx's input"
        + " input has shape [N, 3], 3 features; publish the schema.json of the features this model was trained on");
    ModelArtifacts right = artifacts(Map.of("model.onnx", fixture("regressor_v1.onnx")), FEATURES);
    assertThat(load(loader, right).inputWidth()).hasValue(3);
  }

  // ------------------------------------------------------------------ files

  @Test
  void modelOnnxIsChosenAmongSeveralOnnxFiles() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("a_preprocessor.onnx", fixture("int64_input.onnx"));
    files.put("model.onnx", fixture("regressor_v2.onnx"));
    assertThat((double) load(loader, artifacts(files, List.of())).predict(new float[] {1, 2, 3})[0])
        .isCloseTo(5.55, within(1e-5));
  }

  @Test
  void severalOnnxFilesWithoutModelOnnxAreRefused() throws IOException {
    ModelArtifacts two = artifacts(
        Map.of("a.onnx", fixture("regressor_v1.onnx"), "b.onnx", fixture("regressor_v2.onnx")), List.of());
    assertThat(refusal(loader, two))
        .isEqualTo("the version has several ONNX files [a.onnx, b.onnx] and no model.onnx; name the one to serve"
            + " model.onnx");
  }

  @Test
  void aVersionWithoutAnOnnxFileIsRefused() throws IOException {
    assertThat(refusal(loader, artifacts(Map.of("model.json", OnnxHarness.utf8("{}")), List.of())))
        .isEqualTo("the version has no .onnx file (files: [model.json]); publish the model as model.onnx");
  }

  @Test
  void anOrtFormatModelPredictsLikeTheOnnxModelItWasConvertedFrom() throws Exception {
    Path source = Files.write(dir.resolve("source.onnx"), fixture("binary_zipmap_v1.onnx"));
    Path converted = dir.resolve("converted.ort");
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OptLevel.BASIC_OPT);
      options.setOptimizedModelFilePath(converted.toString());
      options.addConfigEntry("session.save_model_format", "ORT");
      OrtEnvironment.getEnvironment().createSession(source.toString(), options).close();
    }
    ModelArtifacts ort = artifacts(Map.of("win_model.ort", Files.readAllBytes(converted)), List.of());
    assertThat(loader.recognizes(ort)).isTrue();
    float[][] rows = rows(32, 3, 3);
    assertThat(load(loader, ort).predict(rows)).isDeepEqualTo(load(fixture("binary_zipmap_v1.onnx")).predict(rows));
  }

  // ------------------------------------------------------------------ options

  @Test
  void theOptionsReachTheSessionAndTheCustomizerRunsOncePerLoad() throws IOException {
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    OnnxModelLoader configured = new OnnxModelLoader(OnnxOptions.builder()
        .intraOpThreads(2)
        .optimizationLevel(OptLevel.NO_OPT)
        .sessionOptions(o -> {
          o.addConfigEntry("session.use_env_allocators", "0");
          seen.add(o.getConfigEntries());
        })
        .build());
    float[] x = {1, 2, 3};
    assertThat((double) load(configured, artifacts(fixture("regressor_v1.onnx"))).predict(x)[0])
        .isCloseTo(4.75, within(1e-6));
    load(configured, artifacts(fixture("regressor_v2.onnx")));
    assertThat(seen).hasSize(2)
        .allSatisfy(entries -> assertThat(entries).containsEntry("session.use_env_allocators", "0"));
  }

  @Test
  void aCustomizerThatFailsIsReportedWithTheOptions() throws IOException {
    OnnxModelLoader failing = new OnnxModelLoader(OnnxOptions.builder()
        .sessionOptions(o -> {
          throw new OrtException("no such provider");
        })
        .build());
    assertThat(refusal(failing, artifacts(fixture("regressor_v1.onnx"))))
        .startsWith("the ONNX Runtime session options could not be set (OnnxOptions[intraOpThreads=1,")
        .contains("no such provider; fix the OnnxOptions given to OnnxModelLoader");
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void unwrapGivesTheSessionOnly() throws IOException {
    OnnxPredictor predictor = load(fixture("regressor_v1.onnx"));
    assertThat(predictor.unwrap(OrtSession.class)).hasValueSatisfying(s -> assertThat(s.getNumInputs()).isEqualTo(1));
    assertThat(predictor.unwrap(String.class)).isEmpty();
    assertThat(predictor.unwrap(Predictor.class)).containsSame(predictor);
  }

  @Test
  void closeFreesTheSessionOnceEvenIfCalledAgain() throws IOException {
    int open = Sessions.open();
    Predictor predictor = loader.load(artifacts(fixture("regressor_v1.onnx")));
    assertThat(Sessions.open()).isEqualTo(open + 1);
    predictor.close();
    assertThat(Sessions.open()).isEqualTo(open);
    predictor.close();
    assertThat(Sessions.open()).isEqualTo(open);
  }

  @Test
  void manyThreadsPredictOnOneSessionAndEachGetsItsOwnAnswer() throws Exception {
    OnnxPredictor predictor = load(fixture("binary_zipmap_v1.onnx"));
    float[][] rows = rows(64, 3, 5);
    float[][] expected = predictor.predict(rows);
    AtomicInteger wrong = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          for (int n = 0; n < 2_000; n++) {
            int i = (n + offset) % rows.length;
            if (n % 10 == 0) {
              float[][] batch = predictor.predict(rows);
              for (int r = 0; r < rows.length; r++) {
                if (Math.abs(batch[r][0] - expected[r][0]) > 1e-6) {
                  wrong.incrementAndGet();
                }
              }
            } else if (Math.abs(predictor.predict(rows[i])[0] - expected[i][0]) > 1e-6) {
              wrong.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(wrong).hasValue(0);
  }
}
