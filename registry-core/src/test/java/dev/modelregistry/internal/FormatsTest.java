package dev.modelregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormatsTest {

  private static Optional<String> infer(Map<String, String> files) {
    return Formats.infer(List.copyOf(files.keySet()), name -> files.get(name).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLightGbmTextModelIsToldByItsHeader() {
    assertThat(infer(Map.of("model.txt", "tree\nversion=v4\nnum_class=1\n"))).contains("lightgbm");
    assertThat(infer(Map.of("model.txt", "tree\r\nversion=v3\r\n"))).contains("lightgbm");
  }

  @Test
  void otherTextIsNotLightGbm() {
    assertThat(infer(Map.of("model.txt", "hello\nversion=v4\n"))).isEmpty();
    assertThat(infer(Map.of("model.txt", "tree\nnum_class=1\n"))).isEmpty();
    assertThat(infer(Map.of("notes.txt", "tree\nversion=v4\n"))).isEmpty();
  }

  @Test
  void onlyTheHeadOfALargeTextModelIsRead() {
    String header = "tree\n" + "x".repeat(Formats.TEXT_HEAD_BYTES) + "\nversion=v4\n";
    assertThat(Formats.textFormat(header.getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void theEarlierRulesStillDecide() {
    assertThat(infer(Map.of("model.ubj", "{"))).contains("xgboost");
    assertThat(infer(Map.of("model.json", "{\"learner\": {}}"))).contains("xgboost");
    assertThat(infer(Map.of("model.json", "{\"format\": \"linear\"}"))).contains("linear");
  }
}
