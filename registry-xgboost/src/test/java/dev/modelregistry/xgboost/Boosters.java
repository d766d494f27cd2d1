package dev.modelregistry.xgboost;

import dev.modelregistry.Publication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Boosters trained inside the tests with xgboost4j, on synthetic data. */
final class Boosters {

  static final int FEATURES = 6;

  private Boosters() {}

  static List<String> names(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("f" + i);
    }
    return names;
  }

  /** Rows of random features in [0, 1). */
  static float[][] rows(int count, int features, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[count][features];
    for (float[] row : rows) {
      for (int j = 0; j < features; j++) {
        row[j] = random.nextFloat();
      }
    }
    return rows;
  }

  /**
   * Trains a booster: {@code binary:logistic}, {@code multi:softprob} (3 classes) or {@code
   * reg:squarederror}, on labels derived from the features.
   */
  static Booster train(String objective, int trees, int features, long seed, boolean withNames) throws XGBoostError {
    float[][] x = rows(1000, features, seed);
    float[] flat = new float[x.length * features];
    float[] labels = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, i * features, features);
      double score = 0;
      for (int j = 0; j < features; j++) {
        score += (j % 2 == 0 ? 1 : -0.7) * x[i][j];
      }
      labels[i] = switch (objective) {
        case "binary:logistic" -> score > 0.1 ? 1 : 0;
        case "multi:softprob" -> score < -0.1 ? 0 : score < 0.4 ? 1 : 2;
        default -> (float) (3 * score + 1);
      };
    }
    DMatrix train = new DMatrix(flat, x.length, features, Float.NaN);
    train.setLabel(labels);
    if (withNames) {
      train.setFeatureNames(names(features).toArray(String[]::new));
    }
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 4);
    params.put("eta", 0.3);
    params.put("nthread", 1);
    params.put("seed", (int) seed);
    if (objective.startsWith("multi")) {
      params.put("num_class", 3);
    }
    Booster booster = XGBoost.train(train, params, trees, new HashMap<>(), null, null);
    train.dispose();
    return booster;
  }

  /** A publication of {@code booster} saved in {@code format} ({@code ubj}, {@code json}, {@code deprecated}). */
  static Publication publication(Booster booster, String format, String fileName, List<String> features)
      throws XGBoostError {
    Publication.Builder builder = Publication.builder().file(fileName, booster.toByteArray(format));
    if (!features.isEmpty()) {
      builder.features(features);
    }
    return builder.build();
  }

  /** What the booster predicts directly, one DMatrix per row. */
  static float[][] direct(Booster booster, float[][] rows) throws XGBoostError {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      DMatrix m = new DMatrix(rows[i], 1, rows[i].length, Float.NaN);
      out[i] = booster.predict(m)[0];
      m.dispose();
    }
    return out;
  }
}
