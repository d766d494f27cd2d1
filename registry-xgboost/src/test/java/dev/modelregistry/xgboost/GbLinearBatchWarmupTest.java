package dev.modelregistry.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gblinear booster predicts single rows through a DMatrix but cannot {@code inplace_predict} ("Inplace
 * predict is not supported by the current booster"), so with batches set to {@code INPLACE} its batch path
 * fails while single rows work. The warm-up runs both paths and refuses such a version; the gbtree version
 * being served keeps serving batches.
 */
class GbLinearBatchWarmupTest {

  private static final String MODEL = "t20_win_predictor";
  private static final XGBoostOptions BATCH_INPLACE = XGBoostOptions.builder()
      .singleRow(XGBoostOptions.PredictMethod.DMATRIX)
      .batch(XGBoostOptions.PredictMethod.INPLACE)
      .evaluator(XGBoostOptions.Evaluator.NATIVE) // the pure-Java evaluator has no such failing batch path
      .build();

  @TempDir Path dir;
  private final List<Booster> boosters = new ArrayList<>();
  private ModelRegistry registry;

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
    boosters.forEach(Booster::dispose);
  }

  private Booster gblinear() throws XGBoostError {
    float[][] x = Boosters.rows(300, Boosters.FEATURES, 7);
    float[] flat = new float[x.length * Boosters.FEATURES];
    float[] labels = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, i * Boosters.FEATURES, Boosters.FEATURES);
      labels[i] = x[i][0] - x[i][1] > 0 ? 1 : 0;
    }
    DMatrix train = new DMatrix(flat, x.length, Boosters.FEATURES, Float.NaN);
    try {
      train.setLabel(labels);
      Map<String, Object> params = new HashMap<>();
      params.put("booster", "gblinear");
      params.put("objective", "binary:logistic");
      params.put("nthread", 1);
      Booster booster = XGBoost.train(train, params, 5, new HashMap<>(), null, null);
      boosters.add(booster);
      return booster;
    } finally {
      train.dispose();
    }
  }

  @Test
  void aGbLinearVersionWhoseInplaceBatchFailsIsRefusedAndTheServedVersionKeepsServingBatches() throws Exception {
    Booster gbtree = Boosters.train("binary:logistic", 5, Boosters.FEATURES, 1, false);
    boosters.add(gbtree);
    Booster gblinear = gblinear();
    float[][] rows = Boosters.rows(3, Boosters.FEATURES, 11);
    assertThat(Boosters.direct(gblinear, rows)).as("gblinear predicts single rows through a DMatrix").hasDimensions(3, 1);
    assertThatThrownBy(() -> gblinear.inplace_predict(new float[2 * Boosters.FEATURES], 2, Boosters.FEATURES,
        Float.NaN)).as("but not in place").hasMessageContaining("Inplace predict is not supported");

    InMemoryModelStore store = new InMemoryModelStore();
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish(MODEL, Boosters.publication(gbtree, "ubj", "model.ubj", List.of()));
    publisher.promote(MODEL, "v1", null);
    registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve("cache"))
        .polling(false)
        .loader(new XGBoostModelLoader(BATCH_INPLACE))
        .model(MODEL)
        .build();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");

    publisher.publish(MODEL, Boosters.publication(gblinear, "ubj", "model.ubj", List.of()));
    publisher.promote(MODEL, "v2", null);
    registry.refresh();

    ModelStatus.Failure failure = registry.status(MODEL).lastFailure();
    assertThat(failure).as("v2 is refused").isNotNull();
    assertThat(failure.message())
        .startsWith("model " + MODEL + " v2: the warm-up batch of 2 rows threw IllegalStateException: XGBoost"
            + " prediction failed: ")
        .contains("Inplace predict is not supported by the current booster")
        .endsWith("; single rows predict, but every batch call would fail; the version is not served");
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(rows)).isDeepEqualTo(Boosters.direct(gbtree, rows));
  }
}
