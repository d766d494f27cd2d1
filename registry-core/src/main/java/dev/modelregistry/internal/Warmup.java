package dev.modelregistry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelregistry.spi.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The warm-up gate a version passes before it is swapped in: the optional {@code warmup.json} of the
 * version, or a row of zeros. Its rows are predicted one by one and as a batch, so that a version whose
 * batch path fails, or whose outputs are NaN or infinite, is never served. Immutable.
 *
 * <pre>{@code
 * {"inputs": [[0.52, 0.61, ...], ...],       rows to predict (required)
 *  "expected": [[0.7312], ...],               outputs to expect, one per input (optional)
 *  "tolerance": 1e-5,                         |got - expected| <= tolerance * max(1, |expected|)
 *  "max_latency_ms": 5}                       the slowest row after one warming pass (optional)
 * }</pre>
 */
final class Warmup {

  static final double DEFAULT_TOLERANCE = 1e-5;

  private final List<float[]> inputs;
  private final @Nullable List<float[]> expected;
  private final double tolerance;
  private final double maxLatencyMillis;

  private Warmup(List<float[]> inputs, @Nullable List<float[]> expected, double tolerance, double maxLatencyMillis) {
    this.inputs = inputs;
    this.expected = expected;
    this.tolerance = tolerance;
    this.maxLatencyMillis = maxLatencyMillis;
  }

  /** The default gate: one row of zeros, any finite output, or nothing if the width is unknown. */
  static Warmup zeroRow(int width) {
    return new Warmup(width > 0 ? List.of(new float[width]) : List.of(), null, DEFAULT_TOLERANCE, 0);
  }

  /** Parses {@code warmup.json}. */
  static Warmup parse(byte[] content) {
    String what = StorageFormat.WARMUP;
    ObjectNode node = Json.object(what, content);
    List<float[]> inputs = rows(what, "inputs", node.get("inputs"));
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(what + ": \"inputs\" must list at least one row");
    }
    List<float[]> expected = node.has("expected") ? rows(what, "expected", node.get("expected")) : null;
    if (expected != null && expected.size() != inputs.size()) {
      throw new IllegalArgumentException(
          what + ": \"expected\" has " + expected.size() + " rows but \"inputs\" has " + inputs.size());
    }
    double tolerance = node.path("tolerance").asDouble(DEFAULT_TOLERANCE);
    double budget = node.path("max_latency_ms").asDouble(0);
    return new Warmup(inputs, expected, tolerance, budget);
  }

  /**
   * Runs the gate on every path a reader can take: each input alone ({@code predict(float[])}), then all of
   * them as one batch ({@code predict(float[][])}, at least two rows: a single input is sent twice). Every
   * output must be finite, every row must give as many outputs, and the batch must give, row by row, what
   * the single rows gave, within the tolerance; then the latency budget, if any, is checked.
   *
   * @return null if the version passes, else what failed
   */
  @Nullable String run(Predictor predictor, int width) {
    if (inputs.isEmpty()) {
      return null;
    }
    float[][] single = new float[inputs.size()][];
    for (int i = 0; i < inputs.size(); i++) {
      float[] row = inputs.get(i);
      if (width >= 0 && row.length != width) {
        return "warm-up input " + i + " has " + row.length + " values but the model expects " + width;
      }
      float[] got;
      try {
        got = predictor.predict(row);
      } catch (RuntimeException e) {
        return "warm-up prediction " + i + " threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (got == null || got.length == 0) {
        return "warm-up prediction " + i + " returned no output";
      }
      int bad = firstNotFinite(got);
      if (bad >= 0) {
        return "warm-up input " + i + " gave " + Arrays.toString(got) + ": output " + bad + " is " + got[bad]
            + ", not a finite number";
      }
      if (i > 0 && got.length != single[0].length) {
        return "warm-up input " + i + " gave " + got.length + " outputs but input 0 gave " + single[0].length
            + "; a model must give as many outputs for every row";
      }
      if (expected != null) {
        float[] want = expected.get(i);
        if (!close(got, want)) {
          return "warm-up input " + i + " gave " + Arrays.toString(got) + " but warmup.json expects "
              + Arrays.toString(want) + " (tolerance " + tolerance + ")";
        }
      }
      single[i] = got;
    }
    String batchFailure = runBatch(predictor, single);
    if (batchFailure != null) {
      return batchFailure;
    }
    return checkLatency(predictor);
  }

  /** The batch path: the inputs as one batch of at least two rows, compared row by row with {@code single}. */
  private @Nullable String runBatch(Predictor predictor, float[][] single) {
    int n = Math.max(2, inputs.size());
    float[][] rows = new float[n][];
    for (int r = 0; r < n; r++) {
      rows[r] = inputs.get(r % inputs.size());
    }
    String batch = "the warm-up batch of " + n + " rows";
    float[][] got;
    try {
      got = predictor.predict(rows);
    } catch (RuntimeException e) {
      return batch + " threw " + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "; single rows predict, but every batch call would fail";
    }
    if (got == null || got.length != n) {
      return batch + " returned " + (got == null ? "nothing" : got.length + " rows of outputs");
    }
    for (int r = 0; r < n; r++) {
      int i = r % inputs.size();
      float[] alone = single[i];
      float[] row = got[r];
      String which = batch + " gave, for row " + r + " (warm-up input " + i + "), ";
      if (row == null || row.length != alone.length) {
        return which + (row == null ? "no outputs" : row.length + " outputs") + " but predicting that input alone gave "
            + alone.length;
      }
      int bad = firstNotFinite(row);
      if (bad >= 0) {
        return which + Arrays.toString(row) + ": output " + bad + " is " + row[bad] + ", not a finite number";
      }
      if (!close(row, alone)) {
        return which + Arrays.toString(row) + " but predicting that input alone gave " + Arrays.toString(alone)
            + " (tolerance " + tolerance + "); a batch must predict what its rows predict one by one";
      }
    }
    return null;
  }

  private @Nullable String checkLatency(Predictor predictor) {
    if (maxLatencyMillis > 0) {
      long slowest = 0;
      for (float[] row : inputs) {
        long start = System.nanoTime();
        predictor.predict(row);
        slowest = Math.max(slowest, System.nanoTime() - start);
      }
      double slowestMillis = slowest / 1e6;
      if (slowestMillis > maxLatencyMillis) {
        return String.format(java.util.Locale.ROOT,
            "the slowest warm-up prediction took %.3f ms, over the budget of %.3f ms in warmup.json",
            slowestMillis, maxLatencyMillis);
      }
    }
    return null;
  }

  /** The index of the first NaN or infinite value, or -1. */
  private static int firstNotFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  private boolean close(float[] got, float[] want) {
    if (got.length != want.length) {
      return false;
    }
    for (int i = 0; i < got.length; i++) {
      double diff = Math.abs((double) got[i] - want[i]);
      if (!(diff <= tolerance * Math.max(1.0, Math.abs(want[i])))) {
        return false;
      }
    }
    return true;
  }

  private static List<float[]> rows(String what, String field, @Nullable JsonNode node) {
    if (!(node instanceof ArrayNode array)) {
      throw new IllegalArgumentException(what + ": \"" + field + "\" must be an array of number arrays");
    }
    List<float[]> rows = new ArrayList<>(array.size());
    for (JsonNode rowNode : array) {
      if (!(rowNode instanceof ArrayNode values)) {
        throw new IllegalArgumentException(what + ": each row of \"" + field + "\" must be an array of numbers");
      }
      float[] row = new float[values.size()];
      for (int i = 0; i < row.length; i++) {
        if (!values.get(i).isNumber()) {
          throw new IllegalArgumentException(what + ": \"" + field + "\" holds a non-number " + values.get(i));
        }
        row[i] = values.get(i).floatValue();
      }
      rows.add(row);
    }
    return rows;
  }
}
