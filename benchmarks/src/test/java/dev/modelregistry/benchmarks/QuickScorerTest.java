package dev.modelregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * QuickScorer reaches the same leaves as a plain descent: its outputs equal the flat baseline's, which sums
 * the same leaf values in the same order, bit for bit, on rows with and without missing values.
 */
class QuickScorerTest {

  @Test
  void equalsTheFlatBaselineBitForBit() {
    byte[] json = Fixtures.trainXgboost("json");
    QuickScorer quick = QuickScorer.of(json);
    FlatBaseline flat = FlatBaseline.of(json);
    float[][] rows = Fixtures.rows(4096, Fixtures.XGB_FEATURES, 3);
    for (int i = 0; i < rows.length; i += 3) {
      rows[i][i % Fixtures.XGB_FEATURES] = Float.NaN;
    }
    for (float[] row : rows) {
      assertThat(quick.predict(row)).containsExactly(flat.predict(row));
    }
  }
}
