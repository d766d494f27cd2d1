package dev.modelregistry.trees;

/**
 * An array of numbers read from a model document, as doubles and as floats, each rounded once from what the
 * file holds. The arrays are owned by the document reader and never written after reading.
 */
record NumArray(double[] values, float[] floats) {

  static final NumArray EMPTY = new NumArray(new double[0], new float[0]);

  int length() {
    return values.length;
  }
}
