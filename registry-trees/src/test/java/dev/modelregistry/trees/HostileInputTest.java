package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed and hostile model files are refused with messages naming file, field and expectation. */
class HostileInputTest {

  @Test
  void aUbjCountLargerThanTheFileIsRefusedBeforeAllocating() {
    // {"a": [$d#L 2^40 ...]}: a typed array claiming a terabyte of floats, with nothing after it
    byte[] hostile = ByteBuffer.allocate(17).put((byte) '{').put((byte) 'U').put((byte) 1).put((byte) 'a')
        .put((byte) '[').put((byte) '$').put((byte) 'd').put((byte) '#').put((byte) 'L').putLong(1L << 40)
        .array();
    assertThatThrownBy(() -> Ubjson.read("model.ubj", hostile))
        .hasMessageContaining("model.ubj is not a valid UBJSON model")
        .hasMessageContaining("claims 1099511627776 elements of 4 bytes but only 0 bytes remain");
  }

  @Test
  void aNegativeOrOversizedStringLengthIsRefused() {
    byte[] negative = {'{', 'i', -5};
    assertThatThrownBy(() -> Ubjson.read("model.ubj", negative)).hasMessageContaining("must not be negative");
    byte[] oversized = {'{', 'l', 0x7f, 0, 0, 0, 'a'};
    assertThatThrownBy(() -> Ubjson.read("model.ubj", oversized)).hasMessageContaining("claims 2130706432 bytes");
  }

  @Test
  void deepNestingIsRefused() {
    // {"": [[[[...
    byte[] file = new byte[3 + 200];
    file[0] = '{';
    file[1] = 'i';
    file[2] = 0;
    Arrays.fill(file, 3, file.length, (byte) '[');
    assertThatThrownBy(() -> Ubjson.read("model.ubj", file)).hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButIllegalArgument() {
    Random random = new Random(5);
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      if (bytes.length > 0) {
        bytes[0] = '{';
      }
      try {
        TreeEnsembles.xgboost("model.ubj", bytes, Float.NaN);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).contains("model.ubj");
      }
      try {
        TreeEnsembles.lightgbm("model.txt", bytes);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).contains("model.txt");
      }
    }
  }

  @Test
  void aMissingFieldIsNamedWithItsPath() {
    String json = "{\"learner\": {\"learner_model_param\": {\"num_feature\": \"3\", \"base_score\": \"5E-1\"},"
        + " \"objective\": {\"name\": \"binary:logistic\"}, \"gradient_booster\": {\"name\": \"gbtree\"}}}";
    assertThatThrownBy(() -> TreeEnsembles.xgboost("model.json", json.getBytes(StandardCharsets.UTF_8), Float.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model.json: learner.gradient_booster.model must be an object but is missing");
  }

  @Test
  void unsupportedFeaturesAreRefusedByName() {
    String multiTarget = "{\"learner\": {\"learner_model_param\": {\"num_feature\": \"3\", \"base_score\": \"5E-1\","
        + " \"num_target\": \"2\"}, \"objective\": {\"name\": \"reg:squarederror\"},"
        + " \"gradient_booster\": {\"name\": \"gbtree\"}}}";
    assertThatThrownBy(() -> TreeEnsembles.xgboost("model.json", multiTarget.getBytes(StandardCharsets.UTF_8), Float.NaN))
        .isInstanceOf(UnsupportedModelException.class)
        .hasMessage("model.json: learner_model_param.num_target is 2; multi-target models are not supported by the "
            + "pure-Java evaluator");
    String survival = multiTarget.replace("reg:squarederror", "survival:cox").replace("\"2\"", "\"1\"");
    assertThatThrownBy(() -> TreeEnsembles.xgboost("model.json", survival.getBytes(StandardCharsets.UTF_8), Float.NaN))
        .isInstanceOf(UnsupportedModelException.class)
        .hasMessageStartingWith("model.json: objective \"survival:cox\" is not supported by the pure-Java evaluator");
  }

  @Test
  void aCycleInATreeIsRefused() {
    String json = "{\"learner\": {\"learner_model_param\": {\"num_feature\": \"2\", \"base_score\": \"0\"},"
        + " \"objective\": {\"name\": \"reg:squarederror\"}, \"gradient_booster\": {\"name\": \"gbtree\", \"model\": {"
        + " \"tree_info\": [0], \"trees\": [{\"tree_param\": {\"num_nodes\": \"3\"},"
        + " \"left_children\": [1, 0, -1], \"right_children\": [2, 2, -1], \"split_indices\": [0, 1, 0],"
        + " \"split_conditions\": [0.5, 0.5, 1.0], \"default_left\": [1, 0, 0]}]}}}}";
    assertThatThrownBy(() -> TreeEnsembles.xgboost("model.json", json.getBytes(StandardCharsets.UTF_8), Float.NaN))
        .hasMessageContaining("model.json: learner.gradient_booster.model.trees[0]: node 0 is reached twice");
  }
}
