package dev.modelregistry.internal;

import java.util.Map;

/**
 * One kind of prediction call on a loaded version (a row, a batch, named features), so the read path's
 * bookkeeping (leases, stats, shadows) is written once for all three. The constants are static and final:
 * at each call site the JIT sees one target and inlines it.
 */
@FunctionalInterface
interface Call<I, O> {

  Call<float[], float[]> ROW = LoadedVersion::predict;
  Call<float[][], float[][]> BATCH = LoadedVersion::predict;
  Call<Map<String, ? extends Number>, float[]> NAMED = LoadedVersion::predict;

  O apply(LoadedVersion version, I input);

  /** Runs the call, counting and sampling its time into the version's stats when it records them. */
  static <I, O> O counted(LoadedVersion v, int stripe, I input, Call<I, O> call) {
    if (!v.recordStats) {
      return call.apply(v, input);
    }
    long start = v.stats.start(stripe);
    boolean ok = false;
    try {
      O out = call.apply(v, input);
      ok = true;
      return out;
    } finally {
      v.stats.end(stripe, start, ok);
    }
  }

  /** A copy of an input for a shadow call, which runs after the caller may have reused its arrays. */
  static Object copy(Object input) {
    if (input instanceof float[] row) {
      return row.clone();
    }
    if (input instanceof float[][] rows) {
      float[][] copy = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        copy[i] = rows[i].clone();
      }
      return copy;
    }
    @SuppressWarnings("unchecked")
    Map<String, ? extends Number> named = (Map<String, ? extends Number>) input;
    return Map.copyOf(named);
  }
}
