package dev.modelregistry.linear;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import dev.modelregistry.VersionId;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  /**
   * The first values are finite as doubles, so a check on doubles passed them; as float32 they are infinite.
   * The others are NaN and Infinity as Python's {@code json.dumps} writes them.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"weights\": [[1, 2, 3, 4], [5, 6, 7, 1e39]], \"bias\": [0, 0]}           | weights[1][3] is 1e39",
      "{\"weights\": [1, -1e39, 3]}                                              | weights[1] is -1e39",
      "{\"weights\": [1, 2], \"bias\": 1e39}                                     | bias is 1e39",
      "{\"weights\": [[1, 2], [3, 4]], \"bias\": [0, 3.5e38], \"link\": \"softmax\"} | bias[1] is 3.5e38",
      "{\"weights\": [1, 2], \"bias\": 1000000000000000000000000000000000000000}  | bias is 1000000000000000000000000000000000000000",
      "{\"weights\": [1, NaN]}                                                 | weights[1] is NaN",
      "{\"weights\": [[1], [-Infinity]]}                                       | weights[1][0] is -Infinity",
      "{\"weights\": [1], \"bias\": [NaN]}                                   | bias[0] is NaN",
      "{\"weights\": [1], \"bias\": Infinity}                                | bias is Infinity",
  })
  void aValueThatIsNotAFiniteFloat32IsRefusedNamingItsFieldAndIndex(String json, String what) {
    assertThatThrownBy(() -> load(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model.json: " + what + ", which is not a finite float32");
  }

  @Test
  void theLargestFiniteFloat32IsAccepted() throws Exception {
    Predictor p = load("{\"weights\": [3.4028235e38], \"bias\": -3.4028235e38}");
    assertThat(p.predict(new float[] {1})).containsExactly(0f);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"weights\": [[[1, 2]]]}                                   | model.json: weights[0][0] is not a finite number: an array",
      "{\"weights\": [[1, 2], 3]}                                  | model.json: weights[1] is 3, but weights[0] is an array",
      "{\"weights\": [1, [2]]}                                     | model.json: weights[1] is not a finite number: an array",
      "{\"weights\": [[1, 2], [3, 4, 5]]}                          | model.json: weights[1] has more than 2 values but weights[0] has 2",
      "{\"weights\": [[1, 2], []]}                                 | model.json: weights[1] must be a non-empty array of numbers",
      "{\"weights\": [1], \"weights\": [2]}                      | model.json has the field \"weights\" twice; write it once",
      "{\"weights\": [1], \"link\": \"logistic\", \"link\": \"identity\"} | model.json has the field \"link\" twice",
      "{\"weights\": [1], \"link\": 3}                           | model.json: \"link\" must be a string but is 3",
      "{\"format\": [\"linear\"], \"weights\": [1]}            | model.json: \"format\" must be a string but is an array",
      "{\"weights\": {\"a\": 1}}                                 | model.json: \"weights\" must be a non-empty array",
      "{\"weights\": [1], \"bias\": {}}                          | model.json: \"bias\" must be a number or an array of numbers",
      "{\"weights\": [1], \"bias\": [[1]]}                       | model.json: bias[0] is not a finite number: an array",
      "{\"bias\": 1}                                               | model.json: \"weights\" must be a non-empty array",
      "[1, 2]                                                      | model.json must be a JSON object but is an array",
      "''                                                          | model.json is empty",
      "{\"weights\": [1]} {}                                       | model.json has more content after its JSON object",
      "{\"weights\": [1, 2                                         | model.json is not valid JSON: Unexpected end-of-input",
  })
  void aMalformedModelIsRefusedSayingWhatIsWrong(String json, String message) {
    assertThatThrownBy(() -> load(json)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void unknownFieldsAreSkippedWhateverTheyHold() throws Exception {
    Predictor p = load("{\"trained_by\": {\"job\": [1, [2, {\"x\": null}]], \"note\": \"" + "n".repeat(5000)
        + "\"}, \"weights\": [2, 3], \"bias\": 1, \"metrics\": [0.9, NaN], \"link\": \"identity\"}");
    assertThat(p.predict(new float[] {1, 1})).containsExactly(6f);
  }

  @Test
  void theFormatMayComeAfterTheWeightsAndIsStillChecked() {
    assertThatThrownBy(() -> load("{\"weights\": [1], \"format\": \"xgboost\"}"))
        .hasMessage("model.json has format xgboost, not linear");
  }

  @Test
  void nestingDeeperThanAnyModelNeedsIsRefusedBeforeItIsRead() {
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> load("{\"x\": " + deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model.json is not valid JSON: Document nesting depth (65) exceeds the maximum");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"weights\": [1, 2, 3, 4, 5]}             | 4",
      "{\"weights\": [[1, 2], [3, 4], [5, 6]]}    | 5",
      "{\"weights\": [[1, 2, 3, 4, 5]]}           | 4",
  })
  void aModelOverTheWeightLimitIsRefusedWithTheLimitAndHowToRaiseIt(String json, int limit) {
    assertThatThrownBy(() -> load(new LinearModelLoader(limit), json.getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model.json has more than " + limit + " weights, the most this loader reads, so it was not"
            + " loaded; to serve a model this large, give the registry's builder a new"
            + " LinearModelLoader(maxWeights) with a higher limit (each weight takes 4 bytes of heap)");
  }

  @Test
  void aBiasLongerThanTheWeightLimitIsRefusedBeforeItIsRead() {
    assertThatThrownBy(() -> load(new LinearModelLoader(4), "{\"bias\": [1, 2, 3, 4, 5], \"weights\": [1]}"
        .getBytes(UTF_8)))
        .hasMessageStartingWith("model.json: \"bias\" has more than 4 values, more than this loader's limit of 4"
            + " weights, so it was not loaded");
  }

  @Test
  void aModelAtTheWeightLimitIsServed() throws Exception {
    Predictor p = load(new LinearModelLoader(6), "{\"weights\": [[1, 2], [3, 4], [5, 6]], \"bias\": [0, 0, 1]}"
        .getBytes(UTF_8));
    assertThat(p.predict(new float[] {1, 1})).containsExactly(3f, 7f, 12f);
  }

  @Test
  void theLimitMustBePositive() {
    assertThatThrownBy(() -> new LinearModelLoader(0)).hasMessage("maxWeights must be at least 1 but is 0");
  }

  /**
   * Reading takes about the weights' own memory: the bytes this thread allocates while loading a model of
   * 1,000,000 weights (a 12 MB file) stay within 3 times the 4 MB of floats plus a read buffer. Reading it
   * as a tree took about 11.5 times the file's size.
   */
  @Test
  void loadingAllocatesAboutTheWeightsOwnSize() throws Exception {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    LinearModelLoader loader = new LinearModelLoader();
    load(loader, "{\"weights\": [[1, 2], [3, 4]], \"bias\": [0.5, 0.25]}".getBytes(UTF_8)); // loads the classes
    int outputs = 4;
    int width = 250_000;
    Path file = dir.resolve("model.json");
    Random random = new Random(7);
    try (Writer out = Files.newBufferedWriter(file, UTF_8)) {
      out.write("{\"format\": \"linear\", \"link\": \"softmax\", \"weights\": [");
      for (int r = 0; r < outputs; r++) {
        out.write(r == 0 ? "[" : ", [");
        for (int i = 0; i < width; i++) {
          out.write((i == 0 ? "" : ", ") + (random.nextFloat() * 2 - 1));
        }
        out.write("]");
      }
      out.write("], \"bias\": [0.1, 0.2, 0.3, 0.4]}");
    }
    ModelArtifacts artifacts = new ModelArtifacts(
        "t20_win_predictor", VersionId.of("v1"), dir, List.of("model.json"), null, List.of(), Map.of());

    long threadId = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(threadId);
    Predictor p = loader.load(artifacts);
    long allocated = threads.getThreadAllocatedBytes(threadId) - before;

    long weightBytes = 4L * outputs * width;
    long readBuffer = 64 * 1024;
    System.out.printf("file %,d bytes, %,d weights (%,d bytes), allocated while loading %,d bytes (%.2fx)%n",
        Files.size(file), outputs * width, weightBytes, allocated, (double) allocated / weightBytes);
    assertThat(p.inputWidth()).hasValue(width);
    assertThat(allocated).isLessThanOrEqualTo(3 * (weightBytes + readBuffer));
  }

  @Test
  void aModelThatWouldBeRefusedWhenServedCannotBeWritten() {
    assertThatThrownBy(() -> LinearModel.identity(0, 1, Float.NaN))
        .hasMessage("weights[1] is NaN; every weight and bias must be a finite float32");
    assertThatThrownBy(() -> new LinearModel(new float[][] {{1}, {2}}, new float[] {0, Float.NEGATIVE_INFINITY},
        LinearPredictor.Link.SOFTMAX))
        .hasMessage("bias[1] is -Infinity; every weight and bias must be a finite float32");
  }
}
