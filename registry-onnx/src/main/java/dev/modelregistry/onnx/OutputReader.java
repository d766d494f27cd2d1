package dev.modelregistry.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns the output a model returns into one row of floats per input row. Immutable and thread-safe.
 *
 * <ul>
 *   <li>A float or double tensor of shape {@code [N, ...]}: row {@code i} is the values under index {@code
 *       i} of the first dimension, in order ({@code [N]} gives one value per row).
 *   <li>The sequence of maps ZipMap makes ({@code [{0: 0.79, 1: 0.21}, ...]}): row {@code i} is map {@code
 *       i}'s values ordered by key, the order of scikit-learn's {@code classes_} (sorted) and so of its
 *       {@code predict_proba} columns.
 * </ul>
 *
 * <p>A classifier's two probabilities become one, the positive class's, when {@code collapseBinary} is
 * set. Every map read out of a sequence is closed here; the sequence and tensors belong to the {@code
 * OrtSession.Result} the caller closes.
 *
 * @param name the output's name
 * @param type the output's declared type, for messages
 * @param kind how to read it
 * @param classifier whether it holds class probabilities (ZipMap, or a label output beside it)
 * @param collapseBinary whether two probabilities per row become the second one alone
 */
record OutputReader(String name, String type, Kind kind, boolean classifier, boolean collapseBinary) {

  /** The output types the registry returns. */
  enum Kind {
    FLOAT_TENSOR,
    DOUBLE_TENSOR,
    MAPS
  }

  /** Reads {@code rows} rows from {@code value}, this reader's output of a run on that many rows. */
  float[][] read(OnnxValue value, int rows) throws OrtException {
    return kind == Kind.MAPS ? readMaps((OnnxSequence) value, rows) : readTensor((OnnxTensor) value, rows);
  }

  private float[][] readTensor(OnnxTensor tensor, int rows) {
    long[] shape = tensor.getInfo().getShape();
    float[] flat;
    if (kind == Kind.FLOAT_TENSOR) {
      flat = tensor.getFloatBuffer().array(); // a heap copy of exactly the tensor's values
    } else {
      DoubleBuffer doubles = tensor.getDoubleBuffer();
      flat = new float[doubles.remaining()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = (float) doubles.get(i);
      }
    }
    if (shape.length == 0 || shape[0] != rows || flat.length % rows != 0) {
      throw new IllegalStateException("output " + name + " has shape " + Arrays.toString(shape) + " for " + rows
          + " input rows; the registry needs the rows as its first dimension");
    }
    int perRow = flat.length / rows;
    if (collapseBinary && perRow == 2) {
      float[][] out = new float[rows][];
      for (int i = 0; i < rows; i++) {
        out[i] = new float[] {flat[2 * i + 1]};
      }
      return out;
    }
    if (rows == 1) {
      return new float[][] {flat};
    }
    float[][] out = new float[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = Arrays.copyOfRange(flat, i * perRow, (i + 1) * perRow);
    }
    return out;
  }

  private float[][] readMaps(OnnxSequence sequence, int rows) throws OrtException {
    List<? extends OnnxValue> maps = sequence.getValue();
    try {
      if (maps.size() != rows) {
        throw new IllegalStateException(
            "output " + name + " holds " + maps.size() + " maps for " + rows + " input rows");
      }
      float[][] out = new float[rows][];
      for (int i = 0; i < rows; i++) {
        out[i] = probabilities(((OnnxMap) maps.get(i)).getValue());
      }
      return out;
    } finally {
      OnnxValue.close(maps);
    }
  }

  /** The map's values ordered by key (int64 or string keys, each comparable with the others). */
  private float[] probabilities(Map<?, ?> map) {
    Object[] keys = map.keySet().toArray();
    Arrays.sort(keys);
    float[] values = new float[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = ((Number) map.get(keys[i])).floatValue();
    }
    return collapseBinary && values.length == 2 ? new float[] {values[1]} : values;
  }
}
