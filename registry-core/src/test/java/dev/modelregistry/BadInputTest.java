package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.spi.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad input gets a clear error, the version being served keeps serving, and nothing is lost.
 */
class BadInputTest extends RegistryHarness {

  private static final String POINTER = MODEL + "/latest.json";

  /** Starts a registry serving v1 (output 1). */
  private ModelRegistry serving() {
    release(1);
    ModelRegistry registry = start();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    return registry;
  }

  private void assertStillServesV1(ModelRegistry registry) {
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);
  }

  private String failureAfterRefresh(ModelRegistry registry) {
    registry.refresh();
    assertStillServesV1(registry);
    ModelStatus.Failure failure = registry.status(MODEL).lastFailure();
    assertThat(failure).as("a failure is reported in the status").isNotNull();
    return failure.message();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  // ------------------------------------------------------------------ the pointer

  @Test
  void aMalformedPointerIsRefusedAndTheFixedOneIsFollowed() {
    ModelRegistry registry = serving();
    publish(2);
    memory.put(POINTER, utf8("{\"version\": \"v2\""));
    assertThat(failureAfterRefresh(registry)).contains("latest.json is not valid JSON");
    assertThat(registry.status(MODEL).lastPoll()).isEqualTo(ModelStatus.PollResult.FAILED);

    registry.refresh(); // unchanged and still malformed: still reported
    assertThat(registry.status(MODEL).lastFailure()).isNotNull();

    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void anEmptyPointerIsRefused() {
    ModelRegistry registry = serving();
    memory.put(POINTER, new byte[0]);
    assertThat(failureAfterRefresh(registry)).contains("latest.json is empty");
  }

  @Test
  void aPointerWithoutAVersionIsRefused() {
    ModelRegistry registry = serving();
    memory.put(POINTER, utf8("{\"s3_prefix\": \"models/t20_win_predictor/v2\"}"));
    assertThat(failureAfterRefresh(registry)).contains("has no \"version\" field");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc", "v2/../../x", "/v2", "v2\\u0000", "latest", "v-1", "V2"})
  void aPointerNamingSomethingOtherThanAVersionIdIsRefused(String version) {
    ModelRegistry registry = serving();
    memory.put(POINTER, utf8("{\"version\": \"" + version + "\"}"));
    assertThat(failureAfterRefresh(registry)).contains("which is not a version id");
  }

  @Test
  void aPointerToAVersionThatDoesNotExistFailsThatVersion() {
    ModelRegistry registry = serving();
    memory.put(POINTER, utf8("{\"version\": \"v9\"}"));
    assertThat(failureAfterRefresh(registry)).contains("v9").contains("no such version");
    assertThat(registry.status(MODEL).lastFailure().version()).isEqualTo("v9");
    assertThat(events.of(RegistryEvent.LoadFailed.class)).extracting(RegistryEvent.LoadFailed::version)
        .containsExactly("v9");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "models/odi_win_predictor/v2",
      "models/t20_win_predictor/v3",
      "models/t20_win_predictor/../../secrets/v2",
      "/t20_win_predictor/v2",
      "models//t20_win_predictor/v2",
      "models\\\\t20_win_predictor\\\\v2"})
  void aPointerWhoseS3PrefixDisagreesWithItsVersionIsRefused(String prefix) {
    ModelRegistry registry = serving();
    publish(2);
    memory.put(POINTER, utf8("{\"version\": \"v2\", \"s3_prefix\": \"" + prefix + "\"}"));
    assertThat(failureAfterRefresh(registry)).contains("s3_prefix").contains("the pointer is refused");
  }

  @Test
  void aPointerWhoseS3PrefixNamesAnotherBucketIsRefusedByAStoreOnABucket() {
    store.onBucket("cricksy-ml-models");
    ModelRegistry registry = serving();
    publish(2);
    memory.put(POINTER, utf8("{\"version\": \"v2\", \"s3_prefix\": \"s3://other-bucket/t20_win_predictor/v2\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("s3_prefix 's3://other-bucket/t20_win_predictor/v2' names the bucket 'other-bucket'")
        .contains("this store reads the bucket cricksy-ml-models")
        .contains("the pointer is refused");

    memory.put(POINTER, utf8("{\"version\": \"v2\", \"s3_prefix\": \"s3://cricksy-ml-models/t20_win_predictor/v2\"}"));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"version\": \"v2\"}{\"version\": \"v3\"}",
      "{\"version\": \"v2\"} {\"version\": \"v3\"}\n",
      "{\"version\": \"v2\"}\n[]",
      "{\"version\": \"v2\"} 3"})
  void aPointerWithContentAfterItsValueIsRefused(String content) {
    ModelRegistry registry = serving();
    publish(2);
    publish(3);
    memory.put(POINTER, utf8(content));
    assertThat(failureAfterRefresh(registry))
        .contains("latest.json has more content after its JSON value")
        .contains("a file holds exactly one JSON value");
  }

  @Test
  void aPointerWithAFieldGivenTwiceIsRefused() {
    ModelRegistry registry = serving();
    publish(2);
    publish(3);
    memory.put(POINTER, utf8("{\"version\": \"v2\", \"version\": \"v3\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("latest.json has the field 'version' more than once")
        .contains("which one is meant is unclear");
  }

  @Test
  void aManifestWithContentAfterItsValueOrAFieldGivenTwiceIsRefused() {
    ModelRegistry registry = serving();
    publish(2);
    String manifest = new String(memory.get(MODEL + "/v2/manifest.json"), UTF_8);
    memory.put(MODEL + "/v2/manifest.json", utf8(manifest + "{}"));
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("v2/manifest.json has more content after its JSON value");

    publish(3);
    String third = new String(memory.get(MODEL + "/v3/manifest.json"), UTF_8);
    memory.put(MODEL + "/v3/manifest.json", utf8(third.replaceFirst("\\{", "{\"format\": \"onnx\",")));
    memory.put(POINTER, utf8("{\"version\": \"v3\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("v3/manifest.json has the field 'format' more than once");
  }

  @Test
  void aPointerAsWrittenByExistingS3ScriptsIsFollowed() {
    ModelRegistry registry = serving();
    publish(2);
    memory.put(POINTER, utf8("{\"version\": \"v2\", \"s3_prefix\": \"models/t20_win_predictor/v2\","
        + " \"updated_at\": \"2025-01-29T14:05:32Z\", \"some_future_field\": {\"canary\": 0.1}}"));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  // ------------------------------------------------------------------ the version folder

  @Test
  void aVersionWithoutManifestIsLoadedUnverified() {
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/model.json", LinearModel.constant(2, 3).toJson());
    memory.put(MODEL + "/v2/schema.json", utf8("[\"home_win_pct\", \"away_win_pct\", \"run_rate\"]"));
    memory.put(MODEL + "/v2/metrics.json", utf8("{\"accuracy\": 0.71}"));
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    registry.refresh();
    Model model = registry.current(MODEL);
    assertThat(model.version()).isEqualTo("v2");
    assertThat(model.manifest()).isEmpty();
    assertThat(model.metrics()).containsEntry("accuracy", 0.71);
    assertThat(model.features()).hasSize(3);
  }

  @Test
  void aScriptVersionWhosePointerFlippedBeforeItsModelArrivedIsServedOnceItDoes() {
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/schema.json", utf8("[\"home_win_pct\", \"away_win_pct\", \"run_rate\"]"));
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry)).contains("cannot tell the format");

    memory.put(MODEL + "/v2/model.json", LinearModel.constant(2, 3).toJson());
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.current(MODEL).predict(row())).containsExactly(2f);
  }

  @Test
  void aScriptVersionRewrittenWithContentOfTheSameSizeIsFetchedAgain() {
    byte[] first = LinearModel.constant(2, 3).toJson();
    byte[] fixed = LinearModel.constant(3, 3).toJson();
    assertThat(fixed).hasSameSizeAs(first);
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/model.json", first);
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    registry.refresh();
    assertThat(registry.current(MODEL).predict(row())).containsExactly(2f);
    registry.close();

    memory.put(MODEL + "/v2/model.json", fixed); // same name, same size, other bytes
    ModelRegistry restarted = start();
    assertThat(restarted.current(MODEL).version()).isEqualTo("v2");
    assertThat(restarted.current(MODEL).predict(row())).as("the fixed upload, not the cached copy").containsExactly(3f);
  }

  @Test
  void aScriptVersionWhoseFileGrowsWhileItIsCopiedIsRefused() {
    ModelRegistry registry = serving();
    byte[] model = LinearModel.constant(2, 3).toJson();
    memory.put(MODEL + "/v2/model.json", model);
    store.onOpen((key, in) -> key.endsWith("/v2/model.json")
        ? new java.io.SequenceInputStream(in, new java.io.ByteArrayInputStream(utf8("    \n"))) // still valid JSON
        : in);
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("faulty:memory/" + MODEL + "/v2/model.json grew past its listed size of " + model.length + " bytes"
            + " while it was copied");
  }

  @Test
  void aPointerThatDisappearsIsReportedWhileTheVersionServesOn() {
    ModelRegistry registry = serving();
    memory.delete(POINTER);
    assertThat(failureAfterRefresh(registry)).contains("has no latest.json for " + MODEL + " any more")
        .contains("v1 keeps serving");
    assertThat(registry.status(MODEL).lastPoll()).isEqualTo(ModelStatus.PollResult.NO_POINTER);
    registry.refresh();
    assertThat(registry.status(MODEL).lastFailure()).isNotNull();

    publisher.promote(MODEL, "v1", "restored");
    registry.refresh();
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aVersionWithoutManifestIsRefusedWhenManifestsAreRequired() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).requireManifest(true));
    memory.put(MODEL + "/v2/model.json", LinearModel.constant(2, 3).toJson());
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry)).contains("has no manifest.json").contains("requireManifest");
  }

  @Test
  void aChecksumMismatchIsRefused() {
    ModelRegistry registry = serving();
    publish(2);
    byte[] original = memory.get(MODEL + "/v2/model.json");
    byte[] tampered = original.clone();
    tampered[tampered.length - 3] = (byte) (tampered[tampered.length - 3] == '1' ? '2' : '1');
    memory.put(MODEL + "/v2/model.json", tampered);
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null)).hasMessageContaining("fails verification");
    memory.put(POINTER, utf8("{\"version\": \"v2\"}")); // as a script would, past the publisher's check
    assertThat(failureAfterRefresh(registry))
        .contains("manifest.json lists model.json with " + original.length + " bytes and sha256")
        .contains("but the downloaded file has " + original.length + " bytes and sha256")
        .contains("was not loaded");
  }

  @Test
  void aSizeMismatchIsRefused() {
    ModelRegistry registry = serving();
    publish(2);
    byte[] original = memory.get(MODEL + "/v2/model.json");
    memory.put(MODEL + "/v2/model.json", Arrays.copyOf(original, original.length - 5));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null)).hasMessageContaining("fails verification");
    memory.put(POINTER, utf8("{\"version\": \"v2\"}")); // as a script would, past the publisher's check
    assertThat(failureAfterRefresh(registry))
        .contains("with " + original.length + " bytes")
        .contains("has " + (original.length - 5) + " bytes");
  }

  @Test
  void aLargerFileThanTheManifestSaysIsCutOffAndRefused() {
    ModelRegistry registry = serving();
    publish(2);
    byte[] original = memory.get(MODEL + "/v2/model.json");
    memory.put(MODEL + "/v2/model.json", Arrays.copyOf(original, original.length * 100));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null)).hasMessageContaining("fails verification");
    memory.put(POINTER, utf8("{\"version\": \"v2\"}")); // as a script would, past the publisher's check
    assertThat(failureAfterRefresh(registry)).contains("is larger");
  }

  @Test
  void aTruncatedModelFileIsRefused() {
    ModelRegistry registry = serving();
    byte[] json = LinearModel.constant(2, 3).toJson();
    memory.put(MODEL + "/v2/model.json", Arrays.copyOf(json, json.length / 2));
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry)).containsAnyOf("cannot tell the format", "not valid JSON");
  }

  @Test
  void aGarbageModelFileIsRefusedByItsLoader() {
    ModelRegistry registry = serving();
    byte[] garbage = new byte[512];
    new java.util.Random(7).nextBytes(garbage);
    publisher.publish(MODEL, Publication.builder().file("model.json", garbage).format("linear").build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).contains("the linear loader could not load it");
  }

  @Test
  void aManifestListingAnUnsafeFileNameIsRefused() {
    for (String name : List.of("../../../etc/passwd", "/etc/passwd", "sub/model.json", "..", "a\\u0007b")) {
      InMemoryModelStore fresh = new InMemoryModelStore();
      fresh.put(MODEL + "/v1/manifest.json", utf8("{\"model\": \"" + MODEL + "\", \"version\": \"v1\","
          + " \"format\": \"linear\", \"created_at\": \"2025-01-01T00:00:00Z\", \"files\": [{\"name\": \""
          + name + "\", \"size\": 1, \"sha256\": \"" + "0".repeat(64) + "\"}]}"));
      fresh.put(POINTER, utf8("{\"version\": \"v1\"}"));
      assertThatThrownBy(() -> build(ModelRegistry.builder().store(fresh).cacheDirectory(dir.resolve("c")).polling(false).model(MODEL)))
          .as(name)
          .isInstanceOf(ModelNotFoundException.class)
          .hasMessageContaining("which is not a valid file name");
      assertThat(dir.resolve("etc")).doesNotExist();
    }
  }

  @Test
  void aManifestCopiedFromAnotherVersionIsRefused() {
    ModelRegistry registry = serving();
    publish(2);
    memory.put(MODEL + "/v3/model.json", memory.get(MODEL + "/v2/model.json"));
    memory.put(MODEL + "/v3/manifest.json", memory.get(MODEL + "/v2/manifest.json"));
    memory.put(POINTER, utf8("{\"version\": \"v3\"}"));
    assertThat(failureAfterRefresh(registry)).contains("copied from another version");
  }

  @Test
  void aPointerToAClaimedButUnfinishedVersionIsRefusedUntilItsManifestAppears() {
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/.claim.json", utf8("{}"));
    memory.put(MODEL + "/v2/model.json", LinearModel.constant(2, 3).toJson());
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry)).contains("is incomplete");
  }

  @Test
  void aPickleIsRefusedWithHowToExportInstead() {
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/model.pkl", new byte[] {(byte) 0x80, 4, 'K', 1, '.'});
    memory.put(MODEL + "/v2/metrics.json", utf8("{\"accuracy\": 0.7}"));
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry))
        .contains("model.pkl is a Python pickle")
        .contains("booster.save_model(\"model.ubj\")")
        .contains("ONNX");
  }

  @Test
  void thePublisherRefusesPicklesToo() {
    assertThatThrownBy(() -> Publication.builder().file("model.joblib", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Python pickle");
  }

  @Test
  void anUnknownFormatIsRefusedNamingTheLoadersThereAre() {
    ModelRegistry registry = serving();
    publisher.publish(MODEL, Publication.builder().file("model.txt", utf8("trees")).format("lightgbm").build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry))
        .contains("its format is lightgbm, and no loader for it is on the classpath")
        .contains("linear");
  }

  @Test
  void filesOfNoKnownFormatAreRefused() {
    ModelRegistry registry = serving();
    memory.put(MODEL + "/v2/weights.dat", new byte[] {1, 2, 3});
    memory.put(POINTER, utf8("{\"version\": \"v2\"}"));
    assertThat(failureAfterRefresh(registry)).contains("cannot tell the format of its files [weights.dat]");
  }

  @Test
  void aSchemaThatDisagreesWithTheModelIsRefused() {
    ModelRegistry registry = serving();
    publisher.publish(MODEL, Publication.builder()
        .file("model.json", LinearModel.constant(2, 2).toJson())
        .features(List.of("a", "b", "c"))
        .build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).contains("schema.json lists 3 features [a, b, c] but the model expects 2");
  }

  // ------------------------------------------------------------------ warm-up gate

  @Test
  void aVersionWhoseWarmupOutputIsWrongIsRefused() {
    ModelRegistry registry = serving();
    publisher.publish(MODEL, withWarmup(2, "{\"inputs\": [[1, 2, 3]], \"expected\": [[2.5]], \"tolerance\": 1e-6}"));
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry))
        .contains("warm-up input 0 gave [2.0] but warmup.json expects [2.5]");
  }

  @Test
  void aVersionWhoseWarmupPassesIsServed() {
    ModelRegistry registry = serving();
    publisher.publish(MODEL, withWarmup(2, "{\"inputs\": [[1, 2, 3], [0, 0, 0]], \"expected\": [[2.0], [2.0]]}"));
    publisher.promote(MODEL, "v2", null);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  @Test
  void aMalformedWarmupFileIsRefused() {
    ModelRegistry registry = serving();
    publisher.publish(MODEL, withWarmup(2, "{\"inputs\": []}"));
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).contains("warmup.json could not be read").contains("at least one row");
  }

  @Test
  void aVersionOverItsWarmupLatencyBudgetIsRefused() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).loader(loader("slow", () -> features -> {
      sleep(20);
      return new float[] {0};
    })));
    publisher.publish(MODEL, Publication.builder()
        .file("model.txt", utf8("slow"))
        .file("warmup.json", utf8("{\"inputs\": [[1, 2, 3]], \"max_latency_ms\": 1}"))
        .format("slow")
        .build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).contains("over the budget of 1.000 ms");
  }

  @Test
  void aModelThatThrowsOnTheZeroRowWarmupIsRefused() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).loader(loader("throwing", () -> new Predictor() {
      @Override
      public float[] predict(float[] features) {
        throw new IllegalStateException("broken model");
      }

      @Override
      public OptionalInt inputWidth() {
        return OptionalInt.of(3);
      }
    })));
    publisher.publish(MODEL, Publication.builder().file("model.txt", utf8("x")).format("throwing").build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).contains("warm-up prediction 0 threw").contains("broken model");
  }

  private static Publication withWarmup(float value, String warmup) {
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, 3).toJson())
        .file("warmup.json", utf8(warmup))
        .features(List.of("home_win_pct", "away_win_pct", "run_rate"))
        .build();
  }

  // ------------------------------------------------------------------ retries

  @Test
  void aFailedVersionIsRetriedWithBackoffNotOnEveryPoll() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofSeconds(10), Duration.ofSeconds(1000)).model(MODEL));
    memory.put(POINTER, utf8("{\"version\": \"v9\"}"));
    for (int i = 0; i < 100; i++) {
      scheduler.advance(Duration.ofSeconds(10));
    }
    assertThat(events.of(RegistryEvent.Polled.class)).hasSize(100);

    // 100 polls over 1000 s; v9 is tried at the first, then 10, 20, 40, ... 640 s after each failure: 7 times.
    assertThat(events.of(RegistryEvent.LoadFailed.class)).hasSize(7);
    assertStillServesV1(registry);

    release(2); // v2 is a new version: loaded at once, whatever v9's backoff
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  // ------------------------------------------------------------------ names and setup

  @ParameterizedTest
  @ValueSource(strings = {"", "../etc", "a/b", "T20", "a\\b", "a..b", "/abs", "tab\tname", ".hidden",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void invalidModelNamesAreRefused(String name) {
    assertThatThrownBy(() -> ModelRegistry.builder().model(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model name")
        .hasMessageContaining("is not valid");
  }

  @Test
  void aCacheFolderThatIsAFileIsRefusedAtBuild() throws Exception {
    release(1);
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    assertThatThrownBy(() -> build(ModelRegistry.builder().store(store).cacheDirectory(file).model(MODEL)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache directory " + file + " is not writable")
        .hasMessageContaining("set cacheDirectory(...)");
  }

  @Test
  void aReadOnlyCacheFolderIsRefusedAtBuild() throws Exception {
    assumeThat(System.getProperty("user.name")).as("root can write anywhere").isNotEqualTo("root");
    release(1);
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assertThatThrownBy(() -> build(ModelRegistry.builder().store(store).cacheDirectory(readOnly).model(MODEL)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not writable");
  }

  @Test
  void aRequiredModelThatNoSourceHasFailsTheBuildNamingEverySourceTried() {
    assertThatThrownBy(() -> build(builder()
            .fallback(ClasspathModelStore.of("bundled-models"))
            .model("odi_win_predictor")))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("model odi_win_predictor could not be loaded from any source")
        .hasMessageContaining("[store faulty:memory: no latest.json at faulty:memory/odi_win_predictor/latest.json]")
        .hasMessageContaining("[local cache " + dir.resolve("cache") + ": no last good version recorded")
        .hasMessageContaining("[bundled classpath:bundled-models: ")
        .satisfies(e -> assertThat(((ModelNotFoundException) e).attempts()).hasSize(3));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
