package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VersionIdTest {

  @Test
  void versionsOrderByTheirDigitsAsANumber() {
    List<VersionId> versions = new ArrayList<>(List.of(
        VersionId.of("v20251201_153000"), VersionId.of("v10"), VersionId.of("v2"), VersionId.of("v1"),
        VersionId.of("v20251130_235959")));
    versions.sort(null);
    assertThat(versions).extracting(VersionId::value)
        .containsExactly("v1", "v2", "v10", "v20251130_235959", "v20251201_153000");
    assertThat(VersionId.of("v20251201_153000").number()).isEqualTo(20251201153000L);
    assertThat(VersionId.of("v20251201_153000").isTimestamp()).isTrue();
    assertThat(VersionId.of("v7").isTimestamp()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "v", "V1", "v1.0", "v-1", "../v1", "v1/", "v1\n", "latest", "v2025_1201",
      "v20251201_15300", "v1234567890123456789"})
  void anythingElseIsRefusedWithTheValueInTheMessage(String value) {
    assertThat(VersionId.isValid(value)).isFalse();
    assertThatThrownBy(() -> VersionId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid");
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    assertThatThrownBy(() -> VersionId.of("v1\u0000\n"))
        .hasMessageContaining("'v1\\u0000\\u000a'");
  }
}
