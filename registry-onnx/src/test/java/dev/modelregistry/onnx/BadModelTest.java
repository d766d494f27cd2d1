package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.Model;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad ONNX version is refused with a message that says what is wrong, its session (if one was opened) is
 * freed, and the version being served keeps serving.
 */
class BadModelTest extends OnnxHarness {

  private static final float[] ROW = {1, 2, 3};
  private static final String PREFIX = "model " + MODEL + " v2: the onnx loader could not load it: ";

  private ModelRegistry registry;
  private int sessionsWhileServingV1;

  @BeforeEach
  void serveV1() {
    release(onnx(fixture("regressor_v1.onnx")));
    registry = build(builder().model(MODEL));
    assertServesV1();
    sessionsWhileServingV1 = Sessions.open();
  }

  private void assertServesV1() {
    Model model = registry.current(MODEL);
    assertThat(model.version()).isEqualTo("v1");
    assertThat((double) model.predict(ROW)[0]).isCloseTo(4.75, within(1e-6));
    assertThat(model.predict(new float[][] {ROW, ROW})).hasDimensions(2, 1);
  }

  /** A bad file, and what the refusal must say after the registry's prefix. */
  record Bad(String what, byte[] model, String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Bad> badFiles() {
    byte[] valid = fixture("regressor_v2.onnx");
    byte[] garbage = new byte[512];
    new Random(7).nextBytes(garbage);
    return Stream.of(
        new Bad("truncated", Arrays.copyOf(valid, valid.length / 2),
            "model.onnx is not a valid ONNX model: it could not be parsed (it may be truncated, or not an ONNX"
                + " file); export the model again and publish a new version"),
        new Bad("garbage bytes", garbage,
            "model.onnx is not a valid ONNX model: it could not be parsed (it may be truncated, or not an ONNX"
                + " file); export the model again and publish a new version"),
        new Bad("wrong feature count", OnnxFixtures.regressor(new float[] {1, 2, 3, 4}, 0, OnnxFixtures.BATCH),
            "schema.json lists 3 features [runs_needed, balls_left, wickets_left] but model.onnx's input input has"
                + " shape [N, 4], 4 features; publish the schema.json of the features this model was trained on"),
        new Bad("int64 input", fixture("int64_input.onnx"),
            "model.onnx takes its input int_input as a tensor of int64 [N, 3], but the registry passes float32"
                + " features; export the model with a float input"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void aBadFileIsRefusedWithAClearMessageWhileTheServedVersionServesOn(Bad bad) {
    publisher.publish(MODEL, onnx(bad.model()));
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry)).startsWith(PREFIX + bad.message());
    assertServesV1();
    assertThat(Sessions.open()).as("sessions open: only v1's").isEqualTo(sessionsWhileServingV1);
    assertThat(registry.status(MODEL).behindPointer()).isTrue();
  }

  @Test
  void aWrongFeatureCountWithoutASchemaIsCaughtByTheZeroRowWarmUpOfAModelWithAnOpenWidth() {
    byte[] openWidth = OnnxFixtures.regressor(new float[] {1, 2, 3, 4}, 0, OnnxFixtures.BATCH, "F");
    publisher.publish(MODEL, onnx(openWidth));
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry))
        .startsWith("model " + MODEL + " v2: warm-up prediction 0 threw")
        .contains("ONNX Runtime could not run the model on 1 row(s) of 3 features (input input [N, F])");
    assertServesV1();
    assertThat(Sessions.open()).isEqualTo(sessionsWhileServingV1);
  }

  @Test
  void anEmptyFileIsRefused() {
    publisher.publish(MODEL, Publication.builder().file("model.onnx", new byte[0]).features(FEATURES).build());
    publisher.promote(MODEL, "v2", null);
    assertThat(failureAfterRefresh(registry))
        .startsWith(PREFIX + "model.onnx is empty (0 bytes); export the model again and publish a new version");
    assertServesV1();
  }

  @Test
  void aGoodVersionAfterABadOneIsServed() {
    publisher.publish(MODEL, onnx(fixture("int64_input.onnx")));
    publisher.promote(MODEL, "v2", null);
    failureAfterRefresh(registry);
    release(onnx(fixture("regressor_v2.onnx")));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v3");
    assertThat((double) registry.current(MODEL).predict(ROW)[0]).isCloseTo(5.55, within(1e-5));
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aVersionWithoutManifestIsToldByItsOnnxFileAndServedUnverified() {
    memory.put(MODEL + "/v2/model.onnx", fixture("regressor_v2.onnx"));
    memory.put(MODEL + "/v2/schema.json", utf8("{\"features\": [\"runs_needed\", \"balls_left\", \"wickets_left\"]}"));
    memory.put(MODEL + "/latest.json", utf8("{\"version\": \"v2\"}"));
    registry.refresh();
    Model model = registry.current(MODEL);
    assertThat(model.version()).isEqualTo("v2");
    assertThat(model.manifest()).isEmpty();
    assertThat((double) model.predict(ROW)[0]).isCloseTo(5.55, within(1e-5));
  }

  @Test
  void anOrtFileWithoutManifestIsRecognizedByTheLoader() throws Exception {
    Path source = Files.write(dir.resolve("source.onnx"), fixture("regressor_v2.onnx"));
    Path converted = dir.resolve("model.ort");
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizedModelFilePath(converted.toString());
      options.addConfigEntry("session.save_model_format", "ORT");
      OrtEnvironment.getEnvironment().createSession(source.toString(), options).close();
    }
    memory.put(MODEL + "/v2/model.ort", Files.readAllBytes(converted));
    memory.put(MODEL + "/latest.json", utf8("{\"version\": \"v2\"}"));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat((double) registry.current(MODEL).predict(ROW)[0]).isCloseTo(5.55, within(1e-5));
  }
}
