package dev.modelregistry.linear;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A linear model to publish: writes the {@code model.json} that {@link LinearModelLoader} reads. Immutable.
 *
 * <pre>{@code
 * byte[] json = LinearModel.logistic(-0.2f, 1.5f, -1.1f, 0.3f).toJson();
 * publisher.publish("t20_win_predictor", Publication.builder().file("model.json", json).build());
 * }</pre>
 *
 * @param weights one row of weights per output
 * @param bias one bias per output
 * @param link how scores become outputs
 */
public record LinearModel(float[][] weights, float[] bias, LinearPredictor.Link link) {

  /** Checks and copies. */
  public LinearModel {
    requireNonNull(link, "link");
    if (weights.length == 0 || weights[0].length == 0) {
      throw new IllegalArgumentException("a linear model needs at least one output and one weight");
    }
    weights = Arrays.stream(weights).map(float[]::clone).toArray(float[][]::new);
    for (float[] row : weights) {
      if (row.length != weights[0].length) {
        throw new IllegalArgumentException("every output needs " + weights[0].length + " weights");
      }
    }
    bias = bias.clone();
    if (bias.length != weights.length) {
      throw new IllegalArgumentException(weights.length + " output(s) need as many bias values, not " + bias.length);
    }
    for (int r = 0; r < weights.length; r++) {
      requireFinite(weights[r], weights.length == 1 ? "weights" : "weights[" + r + "]");
    }
    requireFinite(bias, "bias");
    if (link == LinearPredictor.Link.SOFTMAX && weights.length < 2) {
      throw new IllegalArgumentException("softmax needs at least two outputs");
    }
  }

  /** Refuses what {@link LinearModelLoader} would refuse, so that a model is refused when published, not when served. */
  private static void requireFinite(float[] values, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(what + "[" + i + "] is " + values[i] + "; every weight and bias must be a"
            + " finite float32");
      }
    }
  }

  /** One output, {@code bias + w·x}. */
  public static LinearModel identity(float bias, float... weights) {
    return new LinearModel(new float[][] {weights}, new float[] {bias}, LinearPredictor.Link.IDENTITY);
  }

  /** One output, {@code 1 / (1 + e^-(bias + w·x))}: a probability. */
  public static LinearModel logistic(float bias, float... weights) {
    return new LinearModel(new float[][] {weights}, new float[] {bias}, LinearPredictor.Link.LOGISTIC);
  }

  /** A model whose only output is {@code value} for any {@code width} features. */
  public static LinearModel constant(float value, int width) {
    return identity(value, new float[width]);
  }

  /** The weights, one row per output (a copy). */
  @Override
  public float[][] weights() {
    return Arrays.stream(weights).map(float[]::clone).toArray(float[][]::new);
  }

  /** The bias per output (a copy). */
  @Override
  public float[] bias() {
    return bias.clone();
  }

  /** The number of features. */
  public int width() {
    return weights[0].length;
  }

  /** The {@code model.json} content. */
  public byte[] toJson() {
    ObjectNode node = JsonMapper.builder().build().createObjectNode();
    node.put("format", LinearModelLoader.FORMAT);
    if (weights.length == 1 && link != LinearPredictor.Link.SOFTMAX) {
      ArrayNode w = node.putArray("weights");
      for (float v : weights[0]) {
        w.add(v);
      }
      node.put("bias", bias[0]);
    } else {
      ArrayNode w = node.putArray("weights");
      for (float[] row : weights) {
        ArrayNode r = w.addArray();
        for (float v : row) {
          r.add(v);
        }
      }
      ArrayNode b = node.putArray("bias");
      for (float v : bias) {
        b.add(v);
      }
    }
    node.put("link", link.name().toLowerCase(Locale.ROOT));
    return node.toString().getBytes(UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LinearModel other
        && Arrays.deepEquals(weights, other.weights)
        && Arrays.equals(bias, other.bias)
        && link == other.link;
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(weights) * 31 + Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "LinearModel[" + weights.length + " output(s), " + width() + " features, " + link + "]";
  }
}
