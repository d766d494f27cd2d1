package dev.modelregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;

/**
 * The hand-written baseline: a binary:logistic XGBoost model as flat primitive arrays (all trees' nodes
 * concatenated), walked node by node with a branch per split and a test for NaN. What a careful first
 * implementation looks like; the margin is summed in float and the sigmoid is {@code 1 / (1 + exp(-x))}
 * in double, so its outputs may differ from XGBoost's in the last bit. Immutable and thread-safe.
 */
final class FlatBaseline implements Predictor {

  private final int[] roots;
  private final int[] left;
  private final int[] right;
  private final int[] feature;
  private final float[] value;
  private final boolean[] defaultLeft;
  private final float base;
  private final int width;

  private FlatBaseline(int[] roots, int[] left, int[] right, int[] feature, float[] value, boolean[] defaultLeft,
      float base, int width) {
    this.roots = roots;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.value = value;
    this.defaultLeft = defaultLeft;
    this.base = base;
    this.width = width;
  }

  /**
   * What the benchmarks' hand-written evaluators read of a binary:logistic gbtree model saved as JSON: the
   * base score as a margin ({@code -log(1 / p - 1)}, in double, then float), the number of features, the trees.
   */
  record Json(float baseMargin, int width, JsonNode trees) {
    static Json read(byte[] json) {
      try {
        JsonNode learner = new ObjectMapper().readTree(json).get("learner");
        float baseScore = Float.parseFloat(learner.get("learner_model_param").get("base_score").asText());
        int width = Integer.parseInt(learner.get("learner_model_param").get("num_feature").asText());
        return new Json((float) -Math.log(1.0 / baseScore - 1.0), width,
            learner.get("gradient_booster").get("model").get("trees"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Reads a binary:logistic gbtree model saved as JSON. */
  static FlatBaseline of(byte[] json) {
    Json model = Json.read(json);
    int width = model.width();
    JsonNode trees = model.trees();
    int total = 0;
    for (JsonNode tree : trees) {
      total += tree.get("left_children").size();
    }
    int[] roots = new int[trees.size()];
    int[] left = new int[total];
    int[] right = new int[total];
    int[] feature = new int[total];
    float[] value = new float[total];
    boolean[] defaultLeft = new boolean[total];
    int offset = 0;
    int t = 0;
    for (JsonNode tree : trees) {
      int n = tree.get("left_children").size();
      roots[t++] = offset;
      for (int i = 0; i < n; i++) {
        int l = tree.get("left_children").get(i).asInt();
        left[offset + i] = l < 0 ? -1 : offset + l;
        right[offset + i] = l < 0 ? -1 : offset + tree.get("right_children").get(i).asInt();
        feature[offset + i] = tree.get("split_indices").get(i).asInt();
        value[offset + i] = (float) tree.get("split_conditions").get(i).asDouble();
        defaultLeft[offset + i] = tree.get("default_left").get(i).asInt() != 0;
      }
      offset += n;
    }
    return new FlatBaseline(roots, left, right, feature, value, defaultLeft, model.baseMargin(), width);
  }

  @Override
  public float[] predict(float[] features) {
    float sum = base;
    for (int root : roots) {
      int node = root;
      while (left[node] >= 0) {
        float x = features[feature[node]];
        node = Float.isNaN(x) ? (defaultLeft[node] ? left[node] : right[node]) : x < value[node] ? left[node] : right[node];
      }
      sum += value[node];
    }
    return new float[] {(float) (1 / (1 + Math.exp(-sum)))};
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }
}
