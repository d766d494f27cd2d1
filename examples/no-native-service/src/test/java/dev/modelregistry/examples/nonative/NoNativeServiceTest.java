package dev.modelregistry.examples.nonative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelregistry.Model;
import dev.modelregistry.ModelRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models trained in Python and published by a plain script into {@code store/} are served from a
 * {@code FilesystemModelStore} with no native library on the classpath, with the outputs the Python
 * libraries computed ({@code expected/}, written by the training scripts).
 */
class NoNativeServiceTest {

  @TempDir Path cache;

  @Test
  void noNativeLibraryIsOnTheClasspath() {
    assertThatThrownBy(() -> Class.forName("ml.dmlc.xgboost4j.java.Booster")).isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtSession")).isInstanceOf(ClassNotFoundException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {NoNativeService.XGBOOST_MODEL, NoNativeService.LIGHTGBM_MODEL})
  void eachModelServesThePythonLibrarysOutputsBitForBit(String name) throws Exception {
    JsonNode expected = new ObjectMapper().readTree(Path.of("expected", name + ".json").toFile());
    try (ModelRegistry registry = NoNativeService.registry(Path.of("store"), cache)) {
      Model model = registry.current(name);
      assertThat(model.version()).isEqualTo("v1");
      assertThat(model.features()).containsExactly("amount", "hour", "merchant_risk", "card_age_days",
          "velocity_1h", "distance_km");
      JsonNode rows = expected.get("rows");
      float[][] batch = new float[rows.size()][];
      float[][] wanted = new float[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        float[] row = new float[rows.get(i).size()];
        for (int j = 0; j < row.length; j++) {
          JsonNode v = rows.get(i).get(j);
          row[j] = v.isNull() ? Float.NaN : (float) v.asDouble();
        }
        batch[i] = row;
        float want = (float) expected.get("outputs").get(i).get(0).asDouble();
        wanted[i] = new float[] {want};
        assertThat(model.predict(row)).as("%s row %d (%s)", name, i, expected.get("library").asText())
            .containsExactly(want);
      }
      assertThat(model.predict(batch)).isDeepEqualTo(wanted);
    }
  }

  @Test
  void theServiceRuns() throws Exception {
    NoNativeService.main(new String[] {"store"});
  }
}
