package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.BUCKET;
import static dev.modelregistry.s3.S3Bed.MODEL;
import static dev.modelregistry.s3.S3Bed.ROW;
import static dev.modelregistry.s3.S3Bed.linearModelJson;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionInfo;
import java.net.URLDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layouts that teams already write with boto3 or the AWS CLI load unchanged, and what others write is
 * validated: an {@code s3_prefix}, a version id or a file name that would lead outside {@code
 * <prefix>/<model>/} is refused, and nothing outside it is ever requested.
 */
class S3ScriptLayoutTest extends S3BedCase {

  private static final String FOLDER = "models/" + MODEL;

  private ModelRegistry registry() {
    return ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(cache)
        .polling(false)
        .model(MODEL)
        .build();
  }

  /** What a training script with boto3 uploads: the model, its metrics and schema, then the pointer. */
  private void uploadAsScript(String version, float output) {
    bed.putAsScript(FOLDER + "/" + version + "/model.json", linearModelJson(output));
    bed.putAsScript(FOLDER + "/" + version + "/metrics.json", "{\"accuracy\": 0.738, \"roc_auc\": 0.812}");
    bed.putAsScript(FOLDER + "/" + version + "/schema.json",
        "{\"features\": [\"home_win_pct\", \"away_win_pct\", \"run_rate\"]}");
  }

  private void flipAsScript(String version, String s3Prefix) {
    bed.putAsScript(FOLDER + "/latest.json", "{\"version\": \"" + version + "\", \"s3_prefix\": \"" + s3Prefix
        + "\", \"updated_at\": \"2025-01-29T14:05:32Z\"}");
  }

  @Test
  void aLayoutWrittenByAScriptIsServedUnverifiedAndTheScriptsPointerFlipIsFollowed() throws Exception {
    uploadAsScript("v1", 1);
    uploadAsScript("v2", 2);
    flipAsScript("v2", "models/t20_win_predictor/v2");

    try (LogCapture logs = LogCapture.registry(Level.INFO); ModelRegistry registry = registry()) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
      assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.STORE);
      assertThat(registry.current(MODEL).predict(ROW)).containsExactly(2f);
      assertThat(registry.current(MODEL).metrics()).containsEntry("roc_auc", 0.812);
      assertThat(registry.current(MODEL).features()).containsExactly("home_win_pct", "away_win_pct", "run_rate");
      assertThat(registry.current(MODEL).manifest()).as("unverified: no manifest").isEmpty();
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
          .startsWith("WARN")
          .contains("model t20_win_predictor v2", "has no manifest.json", "cannot be verified"));

      uploadAsScript("v3", 3);
      flipAsScript("v3", "models/t20_win_predictor/v3");
      registry.refresh();
      assertThat(registry.current(MODEL).version()).isEqualTo("v3");
      assertThat(registry.current(MODEL).predict(ROW)).containsExactly(3f);
    }
    assertEveryRequestStaysUnder(FOLDER + "/");
  }

  @Test
  void aPublisherListsAndPromotesScriptVersionsAndNumbersAfterThem() throws Exception {
    uploadAsScript("v1", 1);
    uploadAsScript("v7", 7);
    ModelPublisher publisher = ModelPublisher.on(bed.store());

    assertThat(publisher.versions(MODEL)).extracting(VersionInfo::state)
        .containsExactly(VersionInfo.State.UNVERIFIED, VersionInfo.State.UNVERIFIED);
    assertThat(publisher.publish(MODEL, S3Bed.constant(8, 0)).version().value()).isEqualTo("v8");
    Pointer pointer = publisher.promote(MODEL, "v8", "first verified version");
    assertThat(pointer.s3Prefix()).as("written for scripts that read it").isEqualTo("models/t20_win_predictor/v8");
    JsonNode written = new ObjectMapper().readTree(
        bed.direct.getObjectAsBytes(b -> b.bucket(BUCKET).key(FOLDER + "/latest.json")).asByteArray());
    assertThat(written.path("version").asText()).isEqualTo("v8");
    assertThat(written.path("s3_prefix").asText()).isEqualTo("models/t20_win_predictor/v8");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "other-team/t20_win_predictor/v2",
      "models/odi_score_predictor/v2",
      "models/t20_win_predictor/v3",
      "models/t20_win_predictor/../../secrets/v2",
      "/models/t20_win_predictor/v2",
  })
  void aPointerWhoseS3PrefixIsNotTheVersionFolderIsRefusedAndNothingThereIsRead(String s3Prefix) throws Exception {
    uploadAsScript("v1", 1);
    uploadAsScript("v2", 2);
    flipAsScript("v1", "models/t20_win_predictor/v1");
    try (ModelRegistry registry = registry()) {
      flipAsScript("v2", s3Prefix);
      registry.refresh();

      ModelStatus status = registry.status(MODEL);
      assertThat(status.lastPoll()).isEqualTo(ModelStatus.PollResult.FAILED);
      assertThat(status.lastFailure().message()).contains("s3_prefix", "the pointer is refused");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      assertThat(registry.current(MODEL).predict(ROW)).containsExactly(1f);
    }
    assertEveryRequestStaysUnder(FOLDER + "/");
  }

  @Test
  void anS3UriInTheS3PrefixIsAccepted() throws Exception {
    uploadAsScript("v2", 2);
    flipAsScript("v2", "s3://" + BUCKET + "/models/t20_win_predictor/v2/");
    try (ModelRegistry registry = registry()) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../v2", "v2/../../etc", "latest", "v2 ", "V2"})
  void aPointerNamingSomethingOtherThanAVersionIdIsRefused(String version) throws Exception {
    uploadAsScript("v1", 1);
    flipAsScript("v1", "models/t20_win_predictor/v1");
    try (ModelRegistry registry = registry()) {
      bed.putAsScript(FOLDER + "/latest.json", "{\"version\": \"" + version + "\"}");
      registry.refresh();
      assertThat(registry.status(MODEL).lastFailure().message()).contains("is not a version id");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    }
    assertEveryRequestStaysUnder(FOLDER + "/");
  }

  @Test
  void aVersionFolderWithAFileNameThisLibraryRefusesIsNotLoaded() throws Exception {
    uploadAsScript("v1", 1);
    flipAsScript("v1", "models/t20_win_predictor/v1");
    try (ModelRegistry registry = registry()) {
      uploadAsScript("v2", 2);
      bed.putAsScript(FOLDER + "/v2/notes for $USER.txt", "hello");
      flipAsScript("v2", "models/t20_win_predictor/v2");
      registry.refresh();
      assertThat(registry.status(MODEL).lastFailure().message())
          .contains("v2", "notes for $USER.txt", "has a name this library refuses");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    }
  }

  @Test
  void aPickleInAScriptVersionIsRefusedWithHowToExport() throws Exception {
    uploadAsScript("v1", 1);
    flipAsScript("v1", "models/t20_win_predictor/v1");
    try (ModelRegistry registry = registry()) {
      bed.putAsScript(FOLDER + "/v2/model.pkl", new byte[] {(byte) 0x80, 4, '.'});
      flipAsScript("v2", "models/t20_win_predictor/v2");
      registry.refresh();
      assertThat(registry.status(MODEL).lastFailure().message()).contains("model.pkl", "pickle", "save_model");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    }
  }

  /** Every request the store made addressed a key (or a listing prefix) under {@code folder}. */
  private void assertEveryRequestStaysUnder(String folder) {
    assertThat(bed.proxy.exchanges()).isNotEmpty().allSatisfy(exchange -> {
      FaultProxy.Request request = exchange.request();
      if (request.isList()) {
        assertThat(listPrefix(request.query())).startsWith(folder);
      } else {
        assertThat(request.key()).startsWith(folder);
      }
    });
  }

  static String listPrefix(String query) {
    for (String parameter : query.split("&")) {
      if (parameter.startsWith("prefix=")) {
        return URLDecoder.decode(parameter.substring("prefix=".length()), UTF_8);
      }
    }
    return "";
  }
}
