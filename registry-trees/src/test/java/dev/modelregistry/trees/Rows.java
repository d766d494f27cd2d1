package dev.modelregistry.trees;

/**
 * Deterministic test rows, the same in Java and in the Python scripts that made the committed reference
 * outputs ({@code src/test/resources/reference/*.py}): SplitMix64, each feature a multiple of 2^-24 in [0, 4)
 * minus 2, missing (NaN) one time in ten, exactly zero one time in fifty.
 */
final class Rows {

  private Rows() {}

  static float[][] generate(int count, int width, long seed) {
    long[] state = {seed};
    float[][] rows = new float[count][width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        long kind = Long.remainderUnsigned(next(state), 100);
        long bits = next(state) >>> 40;
        if (kind < 10) {
          row[j] = Float.NaN;
        } else if (kind < 12) {
          row[j] = 0f;
        } else {
          row[j] = bits * 0x1p-22f - 2f;
        }
      }
    }
    return rows;
  }

  private static long next(long[] state) {
    long z = (state[0] += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
