package dev.modelregistry.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.Publication;
import dev.modelregistry.spi.Predictor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XGBoostModelLoaderTest {

  private static final String MODEL = "t20_win_predictor";

  @TempDir Path dir;
  private InMemoryModelStore store;
  private ModelPublisher publisher;
  private ModelRegistry registry;
  private final List<Booster> boosters = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() {
    store = new InMemoryModelStore();
    publisher = ModelPublisher.on(store);
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
    boosters.forEach(Booster::dispose);
  }

  private Booster train(String objective, int trees, int features, long seed, boolean names) throws Exception {
    Booster booster = Boosters.train(objective, trees, features, seed, names);
    boosters.add(booster);
    return booster;
  }

  private String release(Publication publication) {
    String version = publisher.publish(MODEL, publication).version().value();
    publisher.promote(MODEL, version, null);
    return version;
  }

  private ModelRegistry start() {
    return start(XGBoostOptions.DEFAULTS);
  }

  private ModelRegistry start(XGBoostOptions options) {
    return start(options, true, "cache");
  }

  private ModelRegistry start(XGBoostOptions options, boolean failFast, String cache) {
    registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve(cache))
        .polling(false)
        .failFast(failFast)
        .loader(new XGBoostModelLoader(options))
        .model(MODEL)
        .build();
    return registry;
  }

  @ParameterizedTest
  @CsvSource({
      "binary:logistic,  ubj,        model.ubj,  1",
      "multi:softprob,   ubj,        model.ubj,  3",
      "reg:squarederror, ubj,        model.ubj,  1",
      "binary:logistic,  json,       model.json, 1",
      "binary:logistic,  deprecated, model.bst,  1"})
  void predictionsEqualDirectXgboostBitForBit(String objective, String format, String file, int outputs)
      throws Exception {
    Booster booster = train(objective, 40, Boosters.FEATURES, 7, true);
    release(Boosters.publication(booster, format, file, Boosters.names(Boosters.FEATURES)));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(300, Boosters.FEATURES, 99);

    float[][] direct = Boosters.direct(booster, rows);
    for (int i = 0; i < rows.length; i++) {
      assertThat(model.predict(rows[i])).as("row %d", i).hasSize(outputs).isEqualTo(direct[i]);
    }
    assertThat(model.predict(rows)).isDeepEqualTo(direct);
    assertThat(model.manifest().orElseThrow().format()).isEqualTo("xgboost");
  }

  @Test
  void batchPredictionsEqualOneBatchedDirectCall() throws Exception {
    Booster booster = train("binary:logistic", 60, Boosters.FEATURES, 3, false);
    release(Boosters.publication(booster, "ubj", "model.ubj", List.of()));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(256, Boosters.FEATURES, 5);
    float[] flat = new float[rows.length * Boosters.FEATURES];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * Boosters.FEATURES, Boosters.FEATURES);
    }
    DMatrix matrix = new DMatrix(flat, rows.length, Boosters.FEATURES, Float.NaN);
    float[][] direct = booster.predict(matrix);
    matrix.dispose();
    assertThat(model.predict(rows)).isDeepEqualTo(direct);
    assertThat(booster.inplace_predict(flat, rows.length, Boosters.FEATURES, Float.NaN)).isDeepEqualTo(direct);
  }

  @Test
  void inPlacePredictionGivesTheSameOutputs() throws Exception {
    Booster booster = train("multi:softprob", 30, Boosters.FEATURES, 11, false);
    release(Boosters.publication(booster, "ubj", "model.ubj", List.of()));
    registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve("cache"))
        .polling(false)
        .loader(new XGBoostModelLoader(XGBoostOptions.builder()
            .evaluator(XGBoostOptions.Evaluator.NATIVE)
            .singleRow(XGBoostOptions.PredictMethod.INPLACE)
            .batch(XGBoostOptions.PredictMethod.INPLACE)
            .threads(2)
            .build()))
        .model(MODEL)
        .build();
    float[][] rows = Boosters.rows(50, Boosters.FEATURES, 13);
    assertThat(registry.current(MODEL).predict(rows)).isDeepEqualTo(Boosters.direct(booster, rows));
  }

  @Test
  void aVersionPublishedByAPlainScriptLoadsByItsFileName() throws Exception {
    Booster booster = train("binary:logistic", 20, Boosters.FEATURES, 17, false);
    store.put(MODEL + "/v1/model.ubj", booster.toByteArray("ubj"));
    store.put(MODEL + "/v1/schema.json", "{\"features\": [\"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\"]}".getBytes(StandardCharsets.UTF_8));
    store.put(MODEL + "/latest.json", "{\"version\": \"v1\"}".getBytes(StandardCharsets.UTF_8));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(20, Boosters.FEATURES, 1);
    assertThat(model.predict(rows)).isDeepEqualTo(Boosters.direct(booster, rows));
    assertThat(model.manifest()).isEmpty();
  }

  @Test
  void theBoosterIsReachableOnlyInsideALease() throws Exception {
    Booster booster = train("binary:logistic", 10, Boosters.FEATURES, 19, false);
    release(Boosters.publication(booster, "ubj", "model.ubj", List.of()));
    Model model = start(XGBoostOptions.builder().evaluator(XGBoostOptions.Evaluator.NATIVE).build()).current(MODEL);
    try (Lease lease = model.lease()) {
      Booster served = lease.unwrap(Booster.class);
      assertThat(served.getNumFeature()).isEqualTo(Boosters.FEATURES);
      assertThat(served).isNotSameAs(booster);
    }
  }

  // ------------------------------------------------------------------ which evaluator

  @Test
  void jsonAndUbjModelsAreServedInPureJavaByDefaultWithXgboostOutputs() throws Exception {
    Booster booster = train("binary:logistic", 30, Boosters.FEATURES, 53, false);
    release(Boosters.publication(booster, "ubj", "model.ubj", List.of()));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(100, Boosters.FEATURES, 59);
    assertThat(model.predict(rows)).isDeepEqualTo(Boosters.direct(booster, rows));
    try (Lease lease = model.lease()) {
      Predictor predictor = lease.unwrap(Predictor.class);
      assertThat(predictor.unwrap(Booster.class)).isEmpty();
      assertThat(predictor.toString()).contains("XGBoost 3.0.4 gbtree binary:logistic: 30 trees");
      assertThat(predictor.memoryBytes().orElseThrow()).isPositive();
    }
  }

  @Test
  void aLegacyBinaryModelGoesToXgboost4jByDefaultAndIsRefusedByThePureJavaEvaluator() throws Exception {
    Booster booster = train("binary:logistic", 20, Boosters.FEATURES, 61, false);
    release(Boosters.publication(booster, "deprecated", "model.bst", List.of()));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(20, Boosters.FEATURES, 67);
    assertThat(model.predict(rows)).isDeepEqualTo(Boosters.direct(booster, rows));
    try (Lease lease = model.lease()) {
      assertThat(lease.unwrap(Booster.class)).isNotNull();
      assertThat(lease.unwrap(Predictor.class).memoryBytes().orElseThrow()).isPositive();
    }
    registry.close();
    registry = null;

    ModelRegistry javaOnly = start(XGBoostOptions.builder().evaluator(XGBoostOptions.Evaluator.JAVA).build(), false,
        "java-only-cache");
    assertThat(javaOnly.status(MODEL).lastFailure()).isNotNull();
    assertThat(javaOnly.status(MODEL).lastFailure().message())
        .contains("model.bst is in XGBoost's legacy binary format, which only xgboost4j reads, and the loader is "
            + "set to the pure-Java evaluator");
  }

  @Test
  void aLinearBoosterIsServedInPureJavaWithXgboostOutputs() throws Exception {
    Booster linear = trainLinear();
    release(Boosters.publication(linear, "ubj", "model.ubj", List.of()));
    Model model = start().current(MODEL);
    float[][] rows = Boosters.rows(50, Boosters.FEATURES, 71);
    assertThat(model.predict(rows)).isDeepEqualTo(Boosters.direct(linear, rows));
    try (Lease lease = model.lease()) {
      assertThat(lease.unwrap(Predictor.class).toString()).contains("gblinear binary:logistic");
    }
  }

  private Booster trainLinear() throws Exception {
    float[][] x = Boosters.rows(500, Boosters.FEATURES, 67);
    float[] flat = new float[x.length * Boosters.FEATURES];
    float[] labels = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, i * Boosters.FEATURES, Boosters.FEATURES);
      labels[i] = x[i][0] - x[i][1] > 0 ? 1 : 0;
    }
    DMatrix train = new DMatrix(flat, x.length, Boosters.FEATURES, Float.NaN);
    train.setLabel(labels);
    java.util.Map<String, Object> params = new java.util.HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("booster", "gblinear");
    params.put("nthread", 1);
    Booster booster = ml.dmlc.xgboost4j.java.XGBoost.train(train, params, 10, new java.util.HashMap<>(), null, null);
    train.dispose();
    boosters.add(booster);
    return booster;
  }

  // ------------------------------------------------------------------ bad files

  /** What v1 predicts for a row of zeros, to check that it serves on. */
  private float[] v1Output;

  private ModelRegistry servingV1() throws Exception {
    release(Boosters.publication(train("binary:logistic", 10, Boosters.FEATURES, 23, true), "ubj", "model.ubj",
        Boosters.names(Boosters.FEATURES)));
    ModelRegistry registry = start();
    v1Output = registry.current(MODEL).predict(new float[Boosters.FEATURES]);
    return registry;
  }

  private String refusedAfterRefresh(ModelRegistry registry) {
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(new float[Boosters.FEATURES])).isEqualTo(v1Output);
    ModelStatus.Failure failure = registry.status(MODEL).lastFailure();
    assertThat(failure).isNotNull();
    assertThat(failure.version()).isEqualTo("v2");
    return failure.message();
  }

  @Test
  void aTruncatedModelIsRefusedWhileTheOldOneServes() throws Exception {
    ModelRegistry registry = servingV1();
    byte[] full = train("binary:logistic", 30, Boosters.FEATURES, 29, false).toByteArray("ubj");
    release(Publication.builder().file("model.ubj", Arrays.copyOf(full, full.length / 2)).build());
    assertThat(refusedAfterRefresh(registry))
        .contains("the xgboost loader could not load it")
        .contains("model.ubj is not a model xgboost4j can read");
  }

  @Test
  void garbageBytesAreRefusedWhileTheOldOneServes() throws Exception {
    ModelRegistry registry = servingV1();
    byte[] garbage = new byte[4096];
    new java.util.Random(1).nextBytes(garbage);
    release(Publication.builder().file("model.ubj", garbage).build());
    assertThat(refusedAfterRefresh(registry)).contains("model.ubj is not a model xgboost4j can read");
  }

  @Test
  void aModelOfTheWrongFeatureCountIsRefused() throws Exception {
    ModelRegistry registry = servingV1();
    Booster narrow = train("binary:logistic", 10, 4, 31, false);
    release(Boosters.publication(narrow, "ubj", "model.ubj", Boosters.names(Boosters.FEATURES)));
    assertThat(refusedAfterRefresh(registry))
        .contains("schema.json lists 6 features [f0, f1, f2, f3, f4, f5] but the model expects 4");
  }

  @Test
  void featureNamesThatDisagreeWithTheSchemaAreRefusedNamingBothLists() throws Exception {
    ModelRegistry registry = servingV1();
    Booster named = train("binary:logistic", 10, Boosters.FEATURES, 37, true);
    release(Boosters.publication(named, "ubj", "model.ubj", List.of("f0", "f1", "f2", "f3", "f5", "f4")));
    assertThat(refusedAfterRefresh(registry))
        .contains("stores the feature names [f0, f1, f2, f3, f4, f5]")
        .contains("but schema.json lists [f0, f1, f2, f3, f5, f4]");
  }

  @Test
  void aPickleIsRefusedWithHowToExport() throws Exception {
    ModelRegistry registry = servingV1();
    store.put(MODEL + "/v2/model.pkl", new byte[] {(byte) 0x80, 4, '.'});
    store.put(MODEL + "/latest.json", "{\"version\": \"v2\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(refusedAfterRefresh(registry)).contains("booster.save_model(\"model.ubj\")");
  }

  // ------------------------------------------------------------------ warm-up gate

  @Test
  void theWarmupGateChecksXgboostOutputs() throws Exception {
    ModelRegistry registry = servingV1();
    Booster next = train("binary:logistic", 20, Boosters.FEATURES, 41, false);
    float[][] inputs = Boosters.rows(3, Boosters.FEATURES, 43);
    float[][] outputs = Boosters.direct(next, inputs);

    release(Publication.builder()
        .file("model.ubj", next.toByteArray("ubj"))
        .file("warmup.json", warmup(inputs, outputs, 0.5f))
        .build());
    assertThat(refusedAfterRefresh(registry)).contains("warm-up input 0 gave").contains("but warmup.json expects");

    release(Publication.builder()
        .file("model.ubj", next.toByteArray("ubj"))
        .file("warmup.json", warmup(inputs, outputs, 0f))
        .build());
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v3");
    assertThat(registry.current(MODEL).predict(inputs)).isDeepEqualTo(outputs);
  }

  private static byte[] warmup(float[][] inputs, float[][] outputs, float shift) {
    StringBuilder json = new StringBuilder("{\"inputs\": [");
    for (int i = 0; i < inputs.length; i++) {
      json.append(i == 0 ? "" : ",").append(Arrays.toString(inputs[i]));
    }
    json.append("], \"expected\": [");
    for (int i = 0; i < outputs.length; i++) {
      json.append(i == 0 ? "" : ",").append("[").append(outputs[i][0] + shift).append("]");
    }
    return json.append("], \"tolerance\": 1e-6}").toString().getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ options

  @Test
  void optionsAreValidatedAndGivenOnce() {
    assertThatThrownBy(() -> XGBoostOptions.builder().threads(0)).hasMessageContaining("threads must be >= 1 but was 0");
    assertThatThrownBy(() -> XGBoostOptions.builder().threads(1).threads(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("threads was already set to 1");
    assertThat(new XGBoostModelLoader().options()).isEqualTo(XGBoostOptions.DEFAULTS);
    assertThat(new XGBoostModelLoader().format()).isEqualTo("xgboost");
  }
}
