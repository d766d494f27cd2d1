package dev.modelregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.spi.StoreKeys;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one key-safety rule, against the one table of unsafe keys every store is also checked with. */
class StoreKeysTest {

  static final List<UnsafeKeys.Case> UNSAFE = UnsafeKeys.ALL;

  @ParameterizedTest(name = "{0}")
  @FieldSource("UNSAFE")
  void unsafeKeysAreRefusedWithTheKeyQuoted(UnsafeKeys.Case unsafe) {
    assertThat(StoreKeys.isSafeKey(unsafe.key())).isFalse();
    assertThatThrownBy(() -> StoreKeys.requireSafeKey(unsafe.key()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key '")
        .hasMessageContaining("is not a safe store key")
        .hasMessageNotContaining("\u0000")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("\u0085")
        .hasMessageNotContaining("\u202E");
    if (!unsafe.key().isEmpty()) {
      assertThatThrownBy(() -> StoreKeys.requireSafePrefix(unsafe.key()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a safe key prefix");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "m/latest.json",
      "t20_win_predictor/v20251201_153000/model.ubj",
      "m/v1/.claim.json",
      "m/history/000000000001.json",
      "..data/latest.json", // a segment that only starts with dots is a name, not a way up
      "a"})
  void safeKeysPass(String key) {
    assertThat(StoreKeys.requireSafeKey(key)).isEqualTo(key);
    assertThat(StoreKeys.requireSafePrefix(key)).isEqualTo(key);
  }

  @Test
  void theLongestKeyIsAllowedAndOneMoreCharacterIsNot() {
    String longest = "m/" + "x".repeat(StoreKeys.MAX_LENGTH - 2);
    assertThat(StoreKeys.isSafeKey(longest)).isTrue();
    assertThatThrownBy(() -> StoreKeys.requireSafeKey(longest + "x")).hasMessageContaining("1025 characters");
  }

  @Test
  void messagesSayWhatIsWrong() {
    assertThatThrownBy(() -> StoreKeys.requireSafeKey("m/../x")).hasMessageContaining("a '..' segment");
    assertThatThrownBy(() -> StoreKeys.requireSafeKey("m\uFF0Fx")).hasMessageContaining("U+FF0F at index 1");
    assertThatThrownBy(() -> StoreKeys.requireSafeKey("m/a\u0000")).hasMessageContaining("'m/a\\u0000'");
    assertThatThrownBy(() -> StoreKeys.requireSafeKey(null)).hasMessageContaining("it is null");
  }

  @Test
  void theEmptyPrefixIsTheStoreRoot() {
    assertThat(StoreKeys.requireSafePrefix("")).isEmpty();
  }
}
