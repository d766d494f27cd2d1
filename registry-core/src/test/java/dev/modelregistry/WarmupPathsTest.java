package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.Predictor;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The warm-up gate runs every path a reader can take, single rows and batches, and refuses a version whose
 * outputs are NaN or infinite, whose rows disagree on their number of outputs, or whose batch path throws
 * or disagrees with its single rows. The version being served keeps serving.
 */
class WarmupPathsTest extends RegistryHarness {

  /** A fake model with separate single-row and batch behaviour, of width 3. */
  private record Fake(Function<float[], float[]> single, Function<float[][], float[][]> batch) implements Predictor {

    static Fake rowByRow(Function<float[], float[]> single) {
      return new Fake(single, rows -> {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          out[i] = single.apply(rows[i]);
        }
        return out;
      });
    }

    @Override
    public float[] predict(float[] features) {
      return single.apply(features);
    }

    @Override
    public float[][] predict(float[][] rows) {
      return batch.apply(rows);
    }

    @Override
    public OptionalInt inputWidth() {
      return OptionalInt.of(3);
    }
  }

  /** Serves v1 (linear, always 1), publishes {@code v2} as {@code fake}, and returns why v2 was refused. */
  private String refusal(Fake fake, @Nullable String warmup) {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).loader(loader("fake", () -> fake)));
    Publication.Builder v2 = Publication.builder().file("model.txt", utf8("fake")).format("fake");
    if (warmup != null) {
      v2.file("warmup.json", utf8(warmup));
    }
    publisher.publish(MODEL, v2.build());
    publisher.promote(MODEL, "v2", null);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(new float[][] {row(), row()})).isDeepEqualTo(new float[][] {{1}, {1}});
    ModelStatus.Failure failure = registry.status(MODEL).lastFailure();
    assertThat(failure).as("v2 is refused and the failure reported").isNotNull();
    return failure.message();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aVersionWhoseBatchPathThrowsIsRefusedThoughSingleRowsWork() {
    Fake batchFails = new Fake(row -> new float[] {0.5f}, rows -> {
      throw new IllegalStateException("Inplace predict is not supported by the current booster");
    });
    assertThat(refusal(batchFails, null)).isEqualTo("model t20_win_predictor v2: the warm-up batch of 2 rows threw"
        + " IllegalStateException: Inplace predict is not supported by the current booster; single rows predict,"
        + " but every batch call would fail; the version is not served");
  }

  @Test
  void aNanOutputIsRefusedNamingTheInputAndTheOutput() {
    Fake nan = Fake.rowByRow(row -> new float[] {0.5f, Float.NaN});
    assertThat(refusal(nan, null)).isEqualTo("model t20_win_predictor v2: warm-up input 0 gave [0.5, NaN]: output 1"
        + " is NaN, not a finite number; the version is not served");
  }

  @Test
  void anInfiniteOutputForOneWarmupInputIsRefused() {
    Fake overflows = Fake.rowByRow(row -> new float[] {row[0] > 1 ? Float.POSITIVE_INFINITY : row[0]});
    assertThat(refusal(overflows, "{\"inputs\": [[1, 0, 0], [2, 0, 0]]}")).isEqualTo("model t20_win_predictor v2:"
        + " warm-up input 1 gave [Infinity]: output 0 is Infinity, not a finite number; the version is not served");
  }

  @Test
  void aNanOnlyOnTheBatchPathIsRefused() {
    Fake batchNan = new Fake(row -> new float[] {1}, rows -> new float[][] {{1}, {Float.NaN}});
    assertThat(refusal(batchNan, null)).isEqualTo("model t20_win_predictor v2: the warm-up batch of 2 rows gave, for"
        + " row 1 (warm-up input 0), [NaN]: output 0 is NaN, not a finite number; the version is not served");
  }

  @Test
  void aBatchThatDisagreesWithItsRowsIsRefused() {
    Fake shuffled = new Fake(row -> new float[] {row[0]}, rows -> new float[][] {{rows[1][0]}, {rows[0][0]}});
    assertThat(refusal(shuffled, "{\"inputs\": [[1, 0, 0], [2, 0, 0]], \"tolerance\": 1e-6}")).isEqualTo(
        "model t20_win_predictor v2: the warm-up batch of 2 rows gave, for row 0 (warm-up input 0), [2.0] but"
            + " predicting that input alone gave [1.0] (tolerance 1.0E-6); a batch must predict what its rows"
            + " predict one by one; the version is not served");
  }

  @Test
  void aBatchWithTheWrongNumberOfRowsOrOutputsIsRefused() {
    Fake oneRow = new Fake(row -> new float[] {1}, rows -> new float[][] {{1}});
    assertThat(refusal(oneRow, null))
        .isEqualTo("model t20_win_predictor v2: the warm-up batch of 2 rows returned 1 rows of outputs; the version is"
            + " not served");
  }

  @Test
  void aBatchRowWithAnotherNumberOfOutputsIsRefused() {
    Fake wide = new Fake(row -> new float[] {1}, rows -> new float[][] {{1}, {1, 0}});
    assertThat(refusal(wide, null)).isEqualTo("model t20_win_predictor v2: the warm-up batch of 2 rows gave, for row 1"
        + " (warm-up input 0), 2 outputs but predicting that input alone gave 1; the version is not served");
  }

  @Test
  void rowsThatGiveDifferentNumbersOfOutputsAreRefused() {
    Fake ragged = Fake.rowByRow(row -> row[0] > 1 ? new float[] {1, 2} : new float[] {1});
    assertThat(refusal(ragged, "{\"inputs\": [[1, 0, 0], [2, 0, 0]]}")).isEqualTo("model t20_win_predictor v2:"
        + " warm-up input 1 gave 2 outputs but input 0 gave 1; a model must give as many outputs for every row; the"
        + " version is not served");
  }

  @Test
  void withoutWarmupJsonTheZeroRowIsPredictedAloneAndInABatchOfTwo() {
    List<String> calls = new CopyOnWriteArrayList<>();
    Fake recording = new Fake(row -> {
      calls.add("single " + row.length);
      return new float[] {2};
    }, rows -> {
      calls.add("batch " + rows.length);
      return new float[][] {{2}, {2}};
    });
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).loader(loader("fake", () -> recording)));
    publisher.publish(MODEL, Publication.builder().file("model.txt", utf8("fake")).format("fake").build());
    publisher.promote(MODEL, "v2", null);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(calls).containsExactly("single 3", "batch 2");
  }
}
