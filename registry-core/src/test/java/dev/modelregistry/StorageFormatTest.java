package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.internal.StorageFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageFormatTest {

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void theSmallestPointerIsJustAVersion() {
    Pointer pointer = StorageFormat.parsePointer("m", utf8("{\"version\": \"v2\"}"), Optional.empty());
    assertThat(pointer).isEqualTo(Pointer.to(VersionId.of("v2")));
  }

  @Test
  void pointersWrittenByExistingScriptsAreRead() {
    Pointer pointer = StorageFormat.parsePointer("t20_win_predictor", utf8(
        "{\"version\": \"v2\", \"s3_prefix\": \"models/t20_win_predictor/v2\", \"updated_at\": \"2025-01-29T14:05:32Z\"}"),
        Optional.of("models"));
    assertThat(pointer.version().value()).isEqualTo("v2");
    assertThat(pointer.updatedAt()).isEqualTo("2025-01-29T14:05:32Z");
    assertThat(pointer.s3Prefix()).isEqualTo("models/t20_win_predictor/v2");
  }

  @Test
  void s3PrefixesInEveryCommonSpellingAreAccepted() {
    for (String prefix : List.of("models/m/v2", "models/m/v2/", "s3://bucket/models/m/v2")) {
      assertThat(StorageFormat.parsePointer("m", utf8("{\"version\": \"v2\", \"s3_prefix\": \"" + prefix + "\"}"),
          Optional.of("models")).s3Prefix()).isEqualTo(prefix);
    }
    assertThat(StorageFormat.parsePointer("m", utf8("{\"version\": \"v2\", \"s3_prefix\": \"m/v2\"}"),
        Optional.empty()).version().value()).isEqualTo("v2");
  }

  @Test
  void anS3PrefixOutsideTheStorePrefixIsRefused() {
    assertThatThrownBy(() -> StorageFormat.parsePointer("m",
            utf8("{\"version\": \"v2\", \"s3_prefix\": \"other/m/v2\"}"), Optional.of("models")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected models/m/v2");
  }

  @Test
  void pointersRoundTripAndUnknownFieldsAreIgnored() {
    Pointer pointer = new Pointer(VersionId.of("v3"), "2026-01-01T00:00:00Z", "ci@runner", "weekly retrain",
        VersionId.of("v2"), "models/m/v3", 7);
    byte[] written = StorageFormat.writePointer(pointer);
    assertThat(new String(written, UTF_8)).contains("\"updated_at\"").contains("\"s3_prefix\"");
    assertThat(StorageFormat.parsePointer("m", written, Optional.of("models"))).isEqualTo(pointer);

    Pointer withExtras = StorageFormat.parsePointer("m",
        utf8("{\"version\": \"v3\", \"rollout_note\": {\"version\": \"v4\", \"weight\": 0.1}, \"sequence\": \"x\"}"),
        Optional.empty());
    assertThat(withExtras.version().value()).isEqualTo("v3");
    assertThat(withExtras.sequence()).isZero();
  }

  @Test
  void canaryAndShadowRoundTripAndAMalformedOneRefusesThePointer() {
    Pointer pointer = new Pointer(VersionId.of("v3"), null, null, null, VersionId.of("v2"), null, 4,
        new Pointer.Canary(VersionId.of("v4"), 12.5, "checkout"), new Pointer.Shadow(VersionId.of("v5"), 0.25));
    assertThat(StorageFormat.parsePointer("m", StorageFormat.writePointer(pointer), Optional.empty())).isEqualTo(pointer);

    assertThatThrownBy(() -> StorageFormat.parsePointer("m",
        utf8("{\"version\": \"v3\", \"canary\": {\"version\": \"v4\", \"weight\": 0.1}}"), Optional.empty()))
        .hasMessageContaining("\"canary.percent\" must be a number in [0, 100] but is missing");
    assertThatThrownBy(() -> StorageFormat.parsePointer("m",
        utf8("{\"version\": \"v3\", \"shadow\": {\"version\": \"v3\"}}"), Optional.empty()))
        .hasMessageContaining("the shadow v3 is the stable version itself");
    assertThatThrownBy(() -> StorageFormat.parsePointer("m",
        utf8("{\"version\": \"v3\", \"canary\": \"v4\"}"), Optional.empty()))
        .hasMessageContaining("\"canary\" must be an object");
  }

  @Test
  void manifestsRoundTrip() {
    Manifest manifest = new Manifest(1, "m", VersionId.of("v1"), "xgboost",
        List.of(new Manifest.FileEntry("model.ubj", 10, "a".repeat(64))), "2026-01-01T00:00:00Z",
        Map.of("auc", 0.8), List.of("x", "y"), Map.of("rows", 100, "git", "abc"));
    assertThat(StorageFormat.parseManifest("m", VersionId.of("v1"), StorageFormat.writeManifest(manifest)))
        .isEqualTo(manifest);
  }

  @Test
  void badManifestsAreRefusedNamingTheProblem() {
    String files = "\"files\": [{\"name\": \"model.ubj\", \"size\": 1, \"sha256\": \"" + "a".repeat(64) + "\"}]";
    assertThatThrownBy(() -> StorageFormat.parseManifest("m", VersionId.of("v1"),
            utf8("{\"model\": \"m\", \"version\": \"v1\", " + files + "}")))
        .hasMessageContaining("has no \"format\" field");
    assertThatThrownBy(() -> StorageFormat.parseManifest("m", VersionId.of("v1"),
            utf8("{\"model\": \"m\", \"version\": \"v1\", \"format\": \"x\", \"files\": [{\"name\": \"a\", \"size\": 1,"
                + " \"sha256\": \"not-hex\"}]}")))
        .hasMessageContaining("sha256 must be 64 lower-case hex digits");
    assertThatThrownBy(() -> StorageFormat.parseManifest("m", VersionId.of("v1"),
            utf8("{\"manifest_version\": 2, \"model\": \"m\", \"version\": \"v1\", \"format\": \"x\", " + files + "}")))
        .hasMessageContaining("manifest_version 2 is not supported");
  }

  @Test
  void schemasAreReadInTheShapesScriptsWrite() {
    assertThat(StorageFormat.parseSchema("schema.json", utf8("{\"features\": [\"a\", \"b\"]}"))).containsExactly("a", "b");
    assertThat(StorageFormat.parseSchema("schema.json", utf8("{\"feature_names\": [\"a\"]}"))).containsExactly("a");
    assertThat(StorageFormat.parseSchema("schema.json", utf8("[\"a\", \"b\", \"c\"]"))).hasSize(3);
    assertThatThrownBy(() -> StorageFormat.parseSchema("schema.json", utf8("{\"features\": [\"a\", \"a\"]}")))
        .hasMessageContaining("'a' is listed twice");
    assertThatThrownBy(() -> StorageFormat.parseSchema("schema.json", utf8("{\"features\": [1]}")))
        .hasMessageContaining("must be a non-empty string");
  }

  @Test
  void metricsKeepOnlyNumbers() {
    assertThat(StorageFormat.parseMetrics("metrics.json",
        utf8("{\"accuracy\": 0.738, \"roc_auc\": 0.812, \"model\": \"xgb\", \"n\": 12}")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("accuracy", 0.738, "roc_auc", 0.812, "n", 12.0));
  }
}
