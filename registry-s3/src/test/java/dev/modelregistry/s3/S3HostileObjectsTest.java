package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.MODEL;
import static dev.modelregistry.s3.S3Bed.ROW;
import static dev.modelregistry.s3.S3Bed.linearModelJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.testkit.Refusals;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile objects in the bucket: a registry serves v1, the pointer moves to something hostile, and the
 * registry refuses it with a message naming the object, while v1 keeps serving.
 */
class S3HostileObjectsTest extends S3BedCase {

  private static final String FOLDER = "models/" + MODEL;

  /** What one case writes into the bucket, as a script would. */
  @FunctionalInterface
  interface Setup {
    void apply(S3HostileObjectsTest t) throws Exception;
  }

  /**
   * One hostile thing.
   *
   * @param name what it is
   * @param setup writes it and moves the pointer
   * @param expected what the reported failure must say
   */
  record Case(String name, Setup setup, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> hostileObjects() {
    return Stream.of(
        new Case("a pointer larger than the read limit", t -> {
          t.bed.putAsScript(FOLDER + "/latest.json", new byte[16 * 1024 * 1024 + 1]);
        }, List.of("reading s3://cricksy-ml-models/models/t20_win_predictor/latest.json failed: it is 16777217"
            + " bytes, more than the 16777216 bytes this store reads whole")),

        new Case("an object larger than its manifest says", t -> {
          t.publisher().publish(MODEL, S3Bed.constant(2, 0));
          t.bed.putAsScript(FOLDER + "/v2/model.json", new byte[64 * 1024]);
          t.flip("{\"version\": \"v2\"}");
        }, List.of("manifest.json lists model.json with", "bytes but"
            + " s3://cricksy-ml-models/models/t20_win_predictor/v2/model.json is larger")),

        new Case("a listing with an unsafe object name", t -> {
          t.bed.putAsScript(FOLDER + "/v2/model.json", linearModelJson(2));
          t.bed.putAsScript(FOLDER + "/v2/model.json:hidden", "{}"); // an NTFS alternate data stream
          t.flip("{\"version\": \"v2\"}");
        }, List.of("the file 'model.json:hidden' under s3://cricksy-ml-models/models/t20_win_predictor/v2/ has a"
            + " name this library refuses")),

        new Case("a pointer whose s3_prefix names another bucket", t -> {
          t.publisher().publish(MODEL, S3Bed.constant(2, 0));
          t.flip("{\"version\": \"v2\", \"s3_prefix\": \"s3://other-bucket/models/t20_win_predictor/v2\"}");
        }, List.of("s3_prefix 's3://other-bucket/models/t20_win_predictor/v2' names the bucket 'other-bucket',"
            + " but this store reads the bucket cricksy-ml-models; the pointer is refused")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileObjects")
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void isRefusedWhileV1KeepsServing(Case hostile) throws Exception {
    publisher().publish(MODEL, S3Bed.constant(1, 0));
    publisher().promote(MODEL, "v1", null);
    try (ModelRegistry registry = ModelRegistry.builder()
        .store(bed.store())
        .cacheDirectory(cache)
        .polling(false)
        .model(MODEL)
        .build()) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");

      hostile.setup().apply(this);

      assertThat(Refusals.refreshAndKeepServing(registry, MODEL, "v1", ROW, 1f)).contains(hostile.expected());
    }
  }

  private ModelPublisher publisher() {
    return ModelPublisher.on(bed.store());
  }

  private void flip(String pointer) {
    bed.putAsScript(FOLDER + "/latest.json", pointer);
  }
}
