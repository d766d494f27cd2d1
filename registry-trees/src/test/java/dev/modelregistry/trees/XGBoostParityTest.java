package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.spi.Predictor;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluator against xgboost4j 3.0.4, bit for bit: a model per objective (and per booster shape: dart,
 * parallel trees, deep lossguide trees, gblinear) is trained here on rows with missing values, saved as JSON and as
 * UBJSON, and 100,000 fresh rows with missing values are predicted by both, as one batch and row by row,
 * and as one batch with the node layout.
 */
class XGBoostParityTest {

  static final int FEATURES = 12;
  static final int ROWS = 100_000;

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("binary:logistic", Map.of()),
        Arguments.of("reg:squarederror", Map.of()),
        Arguments.of("reg:logistic", Map.of()),
        Arguments.of("count:poisson", Map.of()),
        Arguments.of("reg:tweedie", Map.of()),
        Arguments.of("reg:gamma", Map.of()),
        Arguments.of("binary:logitraw", Map.of()),
        Arguments.of("binary:hinge", Map.of()),
        Arguments.of("reg:absoluteerror", Map.of()),
        Arguments.of("reg:pseudohubererror", Map.of()),
        Arguments.of("multi:softprob", Map.of("num_class", 3)),
        Arguments.of("multi:softmax", Map.of("num_class", 3)),
        Arguments.of("rank:pairwise", Map.of()),
        Arguments.of("rank:ndcg", Map.of()),
        Arguments.of("binary:logistic", Map.of("booster", "dart", "rate_drop", 0.2, "skip_drop", 0.3)),
        Arguments.of("multi:softprob", Map.of("num_class", 3, "num_parallel_tree", 2, "subsample", 0.7,
            "max_depth", 4)),
        Arguments.of("reg:squarederror", Map.of("grow_policy", "lossguide", "max_depth", 0, "max_leaves", 64)),
        Arguments.of("binary:logistic", Map.of("booster", "gblinear")),
        Arguments.of("count:poisson", Map.of("booster", "gblinear")),
        Arguments.of("multi:softprob", Map.of("num_class", 3, "booster", "gblinear")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("models")
  void outputsEqualXgboost4jBitForBit(String objective, Map<String, Object> extra) throws Exception {
    Booster booster = train(objective, extra, 40, 7);
    float[][] rows = Rows.generate(ROWS, FEATURES, 11);
    float[][] expected = predictNative(booster, rows);
    for (String format : new String[] {"json", "ubj"}) {
      Predictor ours = TreeEnsembles.xgboost("model." + format, booster.toByteArray(format), Float.NaN);
      Parity batch = Parity.compare(expected, ours.predict(rows));
      assertThat(batch.exact()).as("%s %s batch: %s", objective, format, batch).isEqualTo(batch.values());
      float[][] single = new float[ROWS][];
      for (int i = 0; i < ROWS; i++) {
        single[i] = ours.predict(rows[i]);
      }
      Parity one = Parity.compare(expected, single);
      assertThat(one.exact()).as("%s %s single rows: %s", objective, format, one).isEqualTo(one.values());
      float[][] chunked = new float[ROWS][];
      for (int start = 0, size = 1; start < ROWS; start += size, size = size % 71 + 1) {
        float[][] part = ours.predict(java.util.Arrays.copyOfRange(rows, start, Math.min(ROWS, start + size)));
        System.arraycopy(part, 0, chunked, start, part.length);
      }
      Parity chunks = Parity.compare(expected, chunked);
      assertThat(chunks.exact()).as("%s %s batches of 1 to 71 rows: %s", objective, format, chunks)
          .isEqualTo(chunks.values());
    }
    Predictor nodes = TreeEnsembles.xgboost("model.ubj", booster.toByteArray("ubj"), Float.NaN,
        TreeEnsembles.Layout.NODES);
    Parity layout = Parity.compare(expected, nodes.predict(rows));
    assertThat(layout.exact()).as("%s, node layout: %s", objective, layout).isEqualTo(layout.values());
    booster.dispose();
  }

  /**
   * Every depth from 1 to 9, odd and even, in every layout, forced: the perfect layout's index arithmetic
   * and padding, and its leaf masks up to 6 levels, against the node layout and xgboost4j, one row at a
   * time and in one batch of 20,003 rows, which ends in a block of 35. Deeper than 6 levels, leaf masks are
   * refused.
   */
  @ParameterizedTest(name = "max_depth {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void everyDepthInEveryLayout(int depth) throws Exception {
    Booster booster = train("binary:logistic", Map.of("max_depth", depth), 23, depth);
    float[][] rows = Rows.generate(20_003, FEATURES, 100 + depth);
    float[][] expected = predictNative(booster, rows);
    byte[] model = booster.toByteArray("ubj");
    if (depth > LeafMasks.MAX_DEPTH) {
      assertThatThrownBy(() -> TreeEnsembles.xgboost("model.ubj", model, Float.NaN, TreeEnsembles.Layout.MASKS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaf masks");
    }
    for (TreeEnsembles.Layout layout : depth > LeafMasks.MAX_DEPTH
        ? new TreeEnsembles.Layout[] {TreeEnsembles.Layout.PERFECT, TreeEnsembles.Layout.NODES}
        : TreeEnsembles.Layout.values()) {
      Predictor ours = TreeEnsembles.xgboost("model.ubj", model, Float.NaN, layout);
      assertThat(ours.toString()).contains(switch (layout) {
        case AUTO, MASKS -> "perfect layout, leaf masks";
        case PERFECT -> "perfect layout)";
        case NODES -> "node layout";
      });
      Parity batch = Parity.compare(expected, ours.predict(rows));
      assertThat(batch.exact()).as("depth %d %s batch: %s", depth, layout, batch).isEqualTo(batch.values());
      float[][] single = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        single[i] = ours.predict(rows[i]);
      }
      Parity one = Parity.compare(expected, single);
      assertThat(one.exact()).as("depth %d %s single rows: %s", depth, layout, one).isEqualTo(one.values());
    }
    booster.dispose();
  }

  static float[][] predictNative(Booster booster, float[][] rows) throws XGBoostError {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
    }
    DMatrix matrix = new DMatrix(flat, rows.length, rows[0].length, Float.NaN);
    try {
      return booster.predict(matrix);
    } finally {
      matrix.dispose();
    }
  }

  /** Trains on 3,000 rows with missing values, labels fitting the objective. */
  static Booster train(String objective, Map<String, Object> extra, int rounds, long seed) throws XGBoostError {
    int n = 3000;
    float[][] x = Rows.generate(n, FEATURES, seed);
    float[] flat = new float[n * FEATURES];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, flat, i * FEATURES, FEATURES);
      double score = 0;
      for (int j = 0; j < FEATURES; j++) {
        float v = Float.isNaN(x[i][j]) ? 0.5f : x[i][j];
        score += (j % 3 == 0 ? 1 : -0.6) * v + (j == 1 ? 0.3 * v * v : 0);
      }
      labels[i] = switch (objective) {
        case "binary:logistic", "binary:logitraw", "binary:hinge" -> score > 0.2 ? 1 : 0;
        case "reg:logistic" -> (float) (1 / (1 + Math.exp(-score)));
        case "count:poisson", "reg:tweedie" -> (float) Math.floor(Math.exp(score / 2));
        case "reg:gamma" -> (float) Math.exp(score / 2) + 0.01f;
        case "multi:softprob", "multi:softmax" -> score < -0.5 ? 0 : score < 0.7 ? 1 : 2;
        case "rank:pairwise", "rank:ndcg" -> (float) Math.max(0, Math.min(4, Math.floor(score + 2)));
        default -> (float) (3 * score + 1);
      };
    }
    DMatrix train = new DMatrix(flat, n, FEATURES, Float.NaN);
    train.setLabel(labels);
    if (objective.startsWith("rank:")) {
      int[] groups = new int[n / 20];
      java.util.Arrays.fill(groups, 20);
      train.setGroup(groups);
    }
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 6);
    params.put("eta", 0.3);
    params.put("nthread", 1);
    params.put("seed", (int) seed);
    params.putAll(extra);
    Booster booster = XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
    train.dispose();
    return booster;
  }
}
