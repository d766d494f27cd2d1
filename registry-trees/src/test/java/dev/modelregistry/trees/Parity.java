package dev.modelregistry.trees;

/**
 * How two sets of outputs compare: values compared, how many are bit-identical, and the largest absolute
 * difference where they are not.
 */
record Parity(long values, long exact, double maxDifference, String firstMismatch) {

  static Parity compare(float[][] expected, float[][] actual) {
    long values = 0;
    long exact = 0;
    double max = 0;
    String first = "";
    if (expected.length != actual.length) {
      return new Parity(expected.length, 0, Double.NaN, "row counts differ: " + expected.length + " and " + actual.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (expected[i].length != actual[i].length) {
        return new Parity(values + expected[i].length, exact, Double.NaN, "row " + i + " has " + expected[i].length
            + " outputs against " + actual[i].length);
      }
      for (int j = 0; j < expected[i].length; j++) {
        values++;
        if (Float.floatToIntBits(expected[i][j]) == Float.floatToIntBits(actual[i][j])) {
          exact++;
        } else {
          max = Math.max(max, Math.abs((double) expected[i][j] - actual[i][j]));
          if (first.isEmpty()) {
            first = "row " + i + " output " + j + ": expected " + expected[i][j] + " but was " + actual[i][j];
          }
        }
      }
    }
    return new Parity(values, exact, max, first);
  }
}
