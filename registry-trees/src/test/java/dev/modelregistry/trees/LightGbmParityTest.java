package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.Predictor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The evaluator against LightGBM 4.7 (Python), bit for bit: models and reference outputs made by {@code
 * reference/make_lightgbm.py} on the rows {@link Rows} generates (100,000 rows, one value in ten missing,
 * one in fifty zero), compared as one batch and row by row: the first 1,000 rows value by value, all of them
 * through the SHA-256 of the float32 outputs. Each model exercises another of LightGBM's missing-value rules
 * (NaN, zero as missing, none). The shallow one (trees at most 6 levels deep) has its batches walked
 * bit-sliced and its single rows found through leaf masks; the others are deeper and descend row by row.
 */
class LightGbmParityTest {

  @ParameterizedTest
  @ValueSource(strings = {"binary", "regression", "multiclass", "poisson", "binary-shallow"})
  void outputsEqualLightGbmBitForBit(String name) {
    Reference reference = Reference.load("lightgbm-" + name + ".expected");
    Predictor ours = TreeEnsembles.lightgbm("lightgbm-" + name + ".txt", Reference.resource("lightgbm-" + name + ".txt"));
    assertThat(((TreePredictor) ours).forest.sliced()).as("walked bit-sliced").isEqualTo(name.endsWith("shallow"));
    assertThat(((TreePredictor) ours).forest.masked()).as("single rows through leaf masks")
        .isEqualTo(name.endsWith("shallow"));
    reference.assertMatches(name, ours);
  }
}
