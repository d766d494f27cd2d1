package dev.modelregistry.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Loads the {@code linear} format from {@code model.json}. Found by {@link java.util.ServiceLoader}.
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * {"format": "linear", "weights": [0.8, -1.2, 0.05], "bias": 0.1, "link": "logistic"}
 * {"format": "linear", "weights": [[...], [...], [...]], "bias": [0.1, 0.0, -0.1], "link": "softmax"}
 * }</pre>
 *
 * <p>One weight vector gives one output; a matrix gives one output per row. {@code link} is {@code
 * identity} (the default), {@code logistic} (applied to each output) or {@code softmax} (across the
 * outputs, which must be at least two).
 */
public final class LinearModelLoader implements ModelLoader {

  /** The format name, {@code linear}. */
  public static final String FORMAT = "linear";

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** Creates the loader; called by {@link java.util.ServiceLoader}. */
  public LinearModelLoader() {}

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(Files.readAllBytes(artifacts.file("model.json")));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("model.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("model.json must be a JSON object");
    }
    return parse(node);
  }

  /** Builds a predictor from the JSON of a linear model. */
  static LinearPredictor parse(JsonNode node) {
    String format = node.path("format").asText(FORMAT);
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("model.json has format " + format + ", not linear");
    }
    JsonNode weights = node.get("weights");
    if (weights == null || !weights.isArray() || weights.isEmpty()) {
      throw new IllegalArgumentException("model.json: \"weights\" must be a non-empty array");
    }
    boolean matrix = weights.get(0).isArray();
    float[][] w = new float[matrix ? weights.size() : 1][];
    if (matrix) {
      for (int r = 0; r < w.length; r++) {
        w[r] = vector("weights[" + r + "]", weights.get(r));
        if (w[r].length != w[0].length) {
          throw new IllegalArgumentException("model.json: weights[" + r + "] has " + w[r].length
              + " values but weights[0] has " + w[0].length);
        }
      }
    } else {
      w[0] = vector("weights", weights);
    }
    float[] b;
    JsonNode bias = node.get("bias");
    if (bias == null || bias.isNull()) {
      b = new float[w.length];
    } else if (bias.isArray()) {
      b = vector("bias", bias);
    } else if (bias.isNumber()) {
      b = new float[] {float32("bias", bias)};
    } else {
      throw new IllegalArgumentException("model.json: \"bias\" must be a number or an array of numbers");
    }
    if (b.length != w.length) {
      throw new IllegalArgumentException(
          "model.json: " + w.length + " output(s) but " + b.length + " bias value(s)");
    }
    LinearPredictor.Link link;
    String linkName = node.path("link").asText("identity");
    try {
      link = LinearPredictor.Link.valueOf(linkName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model.json: link " + linkName + " is not one of identity, logistic, softmax", e);
    }
    if (link == LinearPredictor.Link.SOFTMAX && w.length < 2) {
      throw new IllegalArgumentException("model.json: softmax needs at least two outputs (a weight matrix)");
    }
    return new LinearPredictor(w, b, link);
  }

  private static float[] vector(String what, JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("model.json: " + what + " must be a non-empty array of numbers");
    }
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode value = array.get(i);
      if (!value.isNumber()) {
        throw new IllegalArgumentException("model.json: " + what + "[" + i + "] is not a finite number: " + value);
      }
      out[i] = float32(what + "[" + i + "]", value);
    }
    return out;
  }

  /** The value as a float32, refused if it is not finite as one (1e39 is a finite double, an infinite float). */
  private static float float32(String what, JsonNode number) {
    float value = number.floatValue();
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("model.json: " + what + " is " + number + ", which is not a finite float32");
    }
    return value;
  }
}
