package dev.modelregistry.linear;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.VersionId;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code model.json} files as a publisher may write them, read through {@link LinearModelLoader#load}. */
class LinearModelFileTest {

  @TempDir Path dir;

  private Predictor load(String json) throws IOException {
    return load(new LinearModelLoader(), json.getBytes(UTF_8));
  }

  private Predictor load(LinearModelLoader loader, byte[] json) throws IOException {
    Files.write(dir.resolve("model.json"), json);
    return loader.load(new ModelArtifacts(
        "t20_win_predictor", VersionId.of("v1"), dir, List.of("model.json"), null, List.of(), Map.of()));
  }

  /** Each value is finite as a double, so a check on doubles passes it; as a float32 it is infinite. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"weights\": [[1, 2, 3, 4], [5, 6, 7, 1e39]], \"bias\": [0, 0]}           | weights[1][3] is 1e39",
      "{\"weights\": [1, -1e39, 3]}                                              | weights[1] is -1e39",
      "{\"weights\": [1, 2], \"bias\": 1e39}                                     | bias is 1e39",
      "{\"weights\": [[1, 2], [3, 4]], \"bias\": [0, 3.5e38], \"link\": \"softmax\"} | bias[1] is 3.5e38",
      "{\"weights\": [1, 2], \"bias\": 1000000000000000000000000000000000000000}  | bias is 1000000000000000000000000000000000000000",
  })
  void aValueThatIsNotAFiniteFloat32IsRefusedNamingItsFieldAndIndex(String json, String what) {
    assertThatThrownBy(() -> load(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model.json: " + what.substring(0, what.indexOf(" is ") + 4))
        .hasMessageEndingWith(", which is not a finite float32");
  }

  @Test
  void theLargestFiniteFloat32IsAccepted() throws Exception {
    Predictor p = load("{\"weights\": [3.4028235e38], \"bias\": -3.4028235e38}");
    assertThat(p.predict(new float[] {1})).containsExactly(0f);
  }
}
