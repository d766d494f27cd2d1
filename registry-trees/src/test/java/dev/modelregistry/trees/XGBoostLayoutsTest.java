package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.Predictor;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Details of XGBoost's JSON across versions, on a one-split model: {@code default_left} as booleans (early
 * 1.x) or integers, {@code base_score} as a number string or, from 3.1, a JSON array in a string.
 */
class XGBoostLayoutsTest {

  /** A regression stump on feature 1: x < threshold gives 1.0, else 2.0; missing goes where defaultLeft says. */
  private static Predictor stump(String defaultLeft, String baseScore) {
    return stump(defaultLeft, baseScore, "0.5");
  }

  private static Predictor stump(String defaultLeft, String baseScore, String threshold) {
    String json = "{\"learner\": {\"learner_model_param\": {\"num_feature\": \"2\", \"base_score\": \"" + baseScore
        + "\"}, \"objective\": {\"name\": \"reg:squarederror\"}, \"gradient_booster\": {\"name\": \"gbtree\","
        + " \"model\": {\"tree_info\": [0], \"trees\": [{\"tree_param\": {\"num_nodes\": \"3\"},"
        + " \"left_children\": [1, -1, -1], \"right_children\": [2, -1, -1], \"split_indices\": [1, 0, 0],"
        + " \"split_conditions\": [" + threshold + ", 1.0, 2.0], \"default_left\": " + defaultLeft + "}]}}}}";
    return TreeEnsembles.xgboost("model.json", json.getBytes(StandardCharsets.UTF_8), Float.NaN);
  }

  @Test
  void defaultLeftAsBooleansOrIntegersSendsMissingValuesTheSameWay() {
    for (String left : new String[] {"[true, false, false]", "[1, 0, 0]"}) {
      Predictor p = stump(left, "0");
      assertThat(p.predict(new float[] {0f, Float.NaN})).containsExactly(1f);
      assertThat(p.predict(new float[] {0f, 0.4f})).containsExactly(1f);
      assertThat(p.predict(new float[] {0f, 0.5f})).containsExactly(2f);
    }
    for (String right : new String[] {"[false, false, false]", "[0, 0, 0]"}) {
      assertThat(stump(right, "0").predict(new float[] {0f, Float.NaN})).containsExactly(2f);
    }
  }

  @Test
  void baseScoreAsANumberOrAnArrayIsAddedFirst() {
    assertThat(stump("[1, 0, 0]", "5E-1").predict(new float[] {0f, 0f})).containsExactly(1.5f);
    assertThat(stump("[1, 0, 0]", "[5E-1]").predict(new float[] {0f, 0f})).containsExactly(1.5f);
  }

  @Test
  void negativeZeroComparesAsZeroAsInXgboost() {
    for (String threshold : new String[] {"0.0", "-0.0"}) {
      Predictor p = stump("[1, 0, 0]", "0", threshold);
      assertThat(p.predict(new float[] {0f, -0f})).as("-0 < %s is false", threshold).containsExactly(2f);
      assertThat(p.predict(new float[] {0f, 0f})).as("0 < %s is false", threshold).containsExactly(2f);
      assertThat(p.predict(new float[] {0f, -Float.MIN_VALUE})).containsExactly(1f);
    }
  }

  /**
   * A one-output model walked row by row sums as it walks: a batch too small to be bit-sliced must not grow
   * the per-thread scratch that holds 64 rows' leaf numbers (it would stay allocated in every thread).
   */
  @Test
  void aSmallBatchOfAOneOutputModelKeepsNoLeafNumbers() throws InterruptedException {
    int trees = 2_000;
    StringBuilder json = new StringBuilder("{\"learner\": {\"learner_model_param\": {\"num_feature\": \"2\","
        + " \"base_score\": \"0\"}, \"objective\": {\"name\": \"reg:squarederror\"}, \"gradient_booster\":"
        + " {\"name\": \"gbtree\", \"model\": {\"tree_info\": [");
    for (int t = 0; t < trees; t++) {
      json.append(t == 0 ? "0" : ", 0");
    }
    json.append("], \"trees\": [");
    for (int t = 0; t < trees; t++) {
      json.append(t == 0 ? "" : ", ").append("{\"tree_param\": {\"num_nodes\": \"3\"}, \"left_children\": [1, -1, -1],"
          + " \"right_children\": [2, -1, -1], \"split_indices\": [1, 0, 0], \"split_conditions\": [0.5, 1.0, 2.0],"
          + " \"default_left\": [1, 0, 0]}");
    }
    json.append("]}}}}");
    Predictor p = TreeEnsembles.xgboost("model.json", json.toString().getBytes(StandardCharsets.UTF_8), Float.NaN);
    // in a new thread, whose scratch arrays no earlier test has grown
    int[] sizes = new int[2];
    float[][][] out = new float[1][][];
    Thread thread = new Thread(() -> {
      sizes[0] = Scratch.acquire(false).ints(0).length;
      out[0] = p.predict(new float[][] {{0f, 0f}, {0f, 1f}});
      sizes[1] = Scratch.acquire(false).ints(0).length;
    });
    thread.start();
    thread.join(60_000);
    assertThat(out[0][0]).containsExactly(2_000f);
    assertThat(out[0][1]).containsExactly(4_000f);
    assertThat(sizes[1]).as("leaf-number scratch after a 2-row batch").isEqualTo(sizes[0]);
  }
}
