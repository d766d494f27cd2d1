package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up gate with ONNX models: {@code warmup.json} (inputs, expected outputs, tolerance, latency
 * budget) is run before a version is swapped in, and a wrong output, an exception or a blown budget keeps
 * the old version serving; without the file a zero row is predicted alone and in a batch before the swap.
 */
class WarmupGateTest extends OnnxHarness {

  private final RecordingLoader loader = new RecordingLoader();
  private ModelRegistry registry;
  private int sessionsWhileServingV1;

  @BeforeEach
  void serveV1() {
    release(onnx(fixture("binary_zipmap_v1.onnx")));
    registry = build(builder().loader(loader).model(MODEL));
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    sessionsWhileServingV1 = Sessions.open();
  }

  private static Publication withWarmup(byte[] model, String warmup) {
    return Publication.builder()
        .file("model.onnx", model)
        .file("warmup.json", utf8(warmup))
        .features(FEATURES)
        .build();
  }

  /** The first rows and their outputs, predicted directly with ONNX Runtime, as a training job would write them. */
  private static String warmupJson(float tweak, String extra) throws Exception {
    float[][] inputs = rows(4, 3, 11);
    float[][] probabilities = direct(fixture("binary_zipmap_v2.onnx"), "probabilities", inputs, 0L, 1L);
    StringBuilder expected = new StringBuilder();
    for (float[] p : probabilities) {
      expected.append(expected.length() == 0 ? "" : ", ").append('[').append(p[1] + tweak).append(']');
    }
    return "{\"inputs\": " + Arrays.deepToString(inputs) + ", \"expected\": [" + expected + "], \"tolerance\": 1e-6"
        + extra + "}";
  }

  private void assertStillServesV1() {
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(Sessions.open()).as("the refused version's session is freed").isEqualTo(sessionsWhileServingV1);
  }

  @Test
  void aVersionWhoseWarmupOutputsMatchIsServed() throws Exception {
    release(withWarmup(fixture("binary_zipmap_v2.onnx"), warmupJson(0, ", \"max_latency_ms\": 10000")));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aWrongWarmupOutputRefusesTheVersion() throws Exception {
    release(withWarmup(fixture("binary_zipmap_v2.onnx"), warmupJson(0.01f, "")));
    assertThat(failureAfterRefresh(registry))
        .startsWith("model " + MODEL + " v2: warm-up input 0 gave [")
        .contains("] but warmup.json expects [")
        .endsWith("(tolerance 1.0E-6); the version is not served");
    assertStillServesV1();
  }

  @Test
  void aWarmupPredictionThatThrowsRefusesTheVersion() {
    byte[] openWidth = OnnxFixtures.regressor(new float[] {1, 2, 3}, 0, OnnxFixtures.BATCH, "F");
    release(Publication.builder()
        .file("model.onnx", openWidth)
        .file("warmup.json", utf8("{\"inputs\": [[1, 2]], \"expected\": [[5]]}"))
        .build());
    assertThat(failureAfterRefresh(registry))
        .startsWith("model " + MODEL + " v2: warm-up prediction 0 threw IllegalArgumentException: ")
        .contains("ONNX Runtime could not run the model on 1 row(s) of 2 features");
    assertStillServesV1();
  }

  /** A budget no real call meets: one nanosecond. Deterministic, not a timing assertion. */
  @Test
  void aBlownLatencyBudgetRefusesTheVersion() throws Exception {
    release(withWarmup(fixture("binary_zipmap_v2.onnx"), warmupJson(0, ", \"max_latency_ms\": 0.000001")));
    assertThat(failureAfterRefresh(registry))
        .startsWith("model " + MODEL + " v2: the slowest warm-up prediction took ")
        .contains("ms, over the budget of 0.000 ms in warmup.json");
    assertStillServesV1();
  }

  @Test
  void withoutWarmupJsonAZeroRowIsPredictedAloneAndInABatchBeforeTheSwap() {
    assertThat(loader.calls).as("v1, at build").containsExactly("v1 [0.0, 0.0, 0.0]", "v1 batch of 2");
    release(onnx(fixture("binary_zipmap_v2.onnx")));
    registry.refresh();
    assertThat(loader.calls)
        .containsExactly("v1 [0.0, 0.0, 0.0]", "v1 batch of 2", "v2 [0.0, 0.0, 0.0]", "v2 batch of 2");
    registry.current(MODEL).predict(new float[] {1, 2, 3});
    assertThat(loader.calls).last().isEqualTo("v2 [1.0, 2.0, 3.0]");
  }

  /** The ONNX loader, recording each prediction with the version that made it. */
  private static final class RecordingLoader implements ModelLoader {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final OnnxModelLoader delegate = new OnnxModelLoader();

    @Override
    public String format() {
      return delegate.format();
    }

    @Override
    public Predictor load(ModelArtifacts artifacts) throws IOException {
      Predictor predictor = delegate.load(artifacts);
      String version = artifacts.version().value();
      return new Predictor() {
        @Override
        public float[] predict(float[] features) {
          calls.add(version + " " + Arrays.toString(features).toLowerCase(Locale.ROOT));
          return predictor.predict(features);
        }

        @Override
        public float[][] predict(float[][] rows) {
          calls.add(version + " batch of " + rows.length);
          return predictor.predict(rows);
        }

        @Override
        public OptionalInt inputWidth() {
          return predictor.inputWidth();
        }

        @Override
        public void close() {
          predictor.close();
        }
      };
    }
  }
}
