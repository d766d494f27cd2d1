package dev.modelregistry.linear;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Loads the {@code linear} format from {@code model.json}. Found by {@link java.util.ServiceLoader} with
 * {@linkplain #DEFAULT_MAX_WEIGHTS the default limit}; pass an instance to the registry's builder to set
 * another. Immutable and thread-safe.
 *
 * <pre>{@code
 * {"format": "linear", "weights": [0.8, -1.2, 0.05], "bias": 0.1, "link": "logistic"}
 * {"format": "linear", "weights": [[...], [...], [...]], "bias": [0.1, 0.0, -0.1], "link": "softmax"}
 * }</pre>
 *
 * <p>One weight vector gives one output; a matrix gives one output per row. {@code link} is {@code
 * identity} (the default), {@code logistic} (applied to each output) or {@code softmax} (across the
 * outputs, which must be at least two). Every weight and bias must be a finite float32. Other fields are
 * ignored; a field of the format given twice is refused.
 *
 * <p>The file is read as a stream, never as a whole tree: the heap it takes is the weights themselves (4
 * bytes each) and a fixed read buffer, and a file with more weights than the limit is refused as soon as
 * the parser reaches the first weight over it, before the memory is taken.
 */
public final class LinearModelLoader implements ModelLoader {

  /** The format name, {@code linear}. */
  public static final String FORMAT = "linear";

  /** The most weights a loader made with {@link #LinearModelLoader()} reads: 16,777,216 (64 MiB of floats). */
  public static final int DEFAULT_MAX_WEIGHTS = 1 << 24;

  private static final String FILE = "model.json";

  /**
   * NaN and Infinity are read as numbers (Python's {@code json.dumps} writes them) so that they are refused
   * by name; strings, numbers and nesting are bounded well above what a linear model needs.
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxNumberLength(100)
          .maxStringLength(64 * 1024)
          .build())
      .build();

  private final int maxWeights;

  /** A loader that reads up to {@link #DEFAULT_MAX_WEIGHTS} weights; called by {@link java.util.ServiceLoader}. */
  public LinearModelLoader() {
    this(DEFAULT_MAX_WEIGHTS);
  }

  /**
   * A loader that refuses a model with more than {@code maxWeights} weights.
   *
   * @throws IllegalArgumentException if {@code maxWeights} is not positive
   */
  public LinearModelLoader(int maxWeights) {
    if (maxWeights < 1) {
      throw new IllegalArgumentException("maxWeights must be at least 1 but is " + maxWeights);
    }
    this.maxWeights = maxWeights;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** The most weights this loader reads. */
  public int maxWeights() {
    return maxWeights;
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    try (InputStream in = Files.newInputStream(artifacts.file(FILE))) {
      return parse(in, maxWeights);
    }
  }

  /** Reads a linear model's JSON from {@code in}, which the caller closes. */
  static LinearPredictor parse(InputStream in, int maxWeights) throws IOException {
    try (JsonParser parser = JSON.createParser(in)) {
      return new Reader(parser, maxWeights).model();
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(FILE + " is not valid JSON: " + e.getOriginalMessage() + where, e);
    }
  }

  @Override
  public String toString() {
    return "LinearModelLoader[maxWeights=" + maxWeights + "]";
  }

  /** One pass over one file. Not thread-safe. */
  private static final class Reader {

    /** The first chunk of a vector of unknown length; chunks double up to {@link #MAX_CHUNK}. */
    private static final int FIRST_CHUNK = 16;

    private static final int MAX_CHUNK = 8192;

    private final JsonParser parser;
    private final int maxWeights;
    private long weightsRead;

    private float @Nullable [][] weights;
    private float @Nullable [] bias;
    private String link = "identity";

    Reader(JsonParser parser, int maxWeights) {
      this.parser = parser;
      this.maxWeights = maxWeights;
    }

    LinearPredictor model() throws IOException {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException(FILE + " is empty");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(FILE + " must be a JSON object but is " + describe(first));
      }
      Set<String> seen = new HashSet<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "format", "weights", "bias", "link" -> {
            if (!seen.add(field)) {
              throw new IllegalArgumentException(FILE + " has the field \"" + field + "\" twice; write it once");
            }
          }
          default -> { }
        }
        switch (field) {
          case "format" -> {
            String format = text(field, value);
            if (!FORMAT.equals(format)) {
              throw new IllegalArgumentException(FILE + " has format " + format + ", not linear");
            }
          }
          case "weights" -> weights = weights(value);
          case "bias" -> bias = bias(value);
          case "link" -> link = text(field, value);
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(FILE + " has more content after its JSON object; it must hold one object");
      }
      return build();
    }

    private LinearPredictor build() {
      float[][] w = weights;
      if (w == null) {
        throw new IllegalArgumentException(FILE + ": \"weights\" must be a non-empty array");
      }
      float[] b = bias == null ? new float[w.length] : bias;
      if (b.length != w.length) {
        throw new IllegalArgumentException(FILE + ": " + w.length + " output(s) but " + b.length + " bias value(s)");
      }
      LinearPredictor.Link parsed;
      try {
        parsed = LinearPredictor.Link.valueOf(link.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            FILE + ": link " + link + " is not one of identity, logistic, softmax", e);
      }
      if (parsed == LinearPredictor.Link.SOFTMAX && w.length < 2) {
        throw new IllegalArgumentException(FILE + ": softmax needs at least two outputs (a weight matrix)");
      }
      return new LinearPredictor(w, b, parsed);
    }

    private String text(String field, JsonToken value) throws IOException {
      if (value != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException(FILE + ": \"" + field + "\" must be a string but is " + describe(value));
      }
      return parser.getText();
    }

    /** A vector (one output) or a matrix (one row per output); the parser is on the opening bracket. */
    private float[][] weights(JsonToken value) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(FILE + ": \"weights\" must be a non-empty array");
      }
      JsonToken first = parser.nextToken();
      if (first == JsonToken.END_ARRAY) {
        throw new IllegalArgumentException(FILE + ": \"weights\" must be a non-empty array");
      }
      if (first != JsonToken.START_ARRAY) {
        return new float[][] {vector("weights", -1, first, true)};
      }
      List<float[]> rows = new ArrayList<>();
      float[] row0 = vector("weights", 0, parser.nextToken(), true);
      rows.add(row0);
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        int r = rows.size();
        if (token != JsonToken.START_ARRAY) {
          throw new IllegalArgumentException(FILE + ": weights[" + r + "] is " + describe(token)
              + ", but weights[0] is an array: \"weights\" is one array of numbers or an array of such arrays");
        }
        rows.add(row(r, row0.length));
      }
      return rows.toArray(new float[0][]);
    }

    /** Row {@code r} of a matrix, whose width row 0 set; the parser is on its opening bracket. */
    private float[] row(int r, int width) throws IOException {
      if (weightsRead + width > maxWeights) {
        throw tooMany();
      }
      float[] out = new float[width];
      int n = 0;
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (n == width) {
          throw new IllegalArgumentException(FILE + ": weights[" + r + "] has more than " + width
              + " values but weights[0] has " + width);
        }
        out[n] = number(token, "weights", r, n);
        n++;
      }
      if (n == 0) {
        throw new IllegalArgumentException(FILE + ": weights[" + r + "] must be a non-empty array of numbers");
      }
      if (n != width) {
        throw new IllegalArgumentException(
            FILE + ": weights[" + r + "] has " + n + " values but weights[0] has " + width);
      }
      weightsRead += width;
      return out;
    }

    /** The bias: absent or null (zeros), one number, or an array with one number per output. */
    private float @Nullable [] bias(JsonToken value) throws IOException {
      return switch (value) {
        case VALUE_NULL -> null;
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new float[] {number(value, "bias", -1, -1)};
        case START_ARRAY -> vector("bias", -1, parser.nextToken(), false);
        default -> throw new IllegalArgumentException(FILE + ": \"bias\" must be a number or an array of numbers");
      };
    }

    /**
     * An array of numbers of unknown length, from its first element {@code token} to its closing bracket,
     * gathered in chunks and copied once into an array of the exact length.
     *
     * @param row the row of {@code field} this array is, or -1 if {@code field} is itself the array
     * @param counted whether the values count against the weight limit
     */
    private float[] vector(String field, int row, @Nullable JsonToken token, boolean counted) throws IOException {
      List<float[]> full = new ArrayList<>();
      float[] chunk = new float[FIRST_CHUNK];
      int inChunk = 0;
      int n = 0;
      for (; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (counted && weightsRead + n == maxWeights) {
          throw tooMany();
        }
        if (n == maxWeights) {
          throw new IllegalArgumentException(FILE + ": \"" + field + "\" has more than " + maxWeights + " values, more"
              + " than this loader's limit of " + maxWeights + " weights, so it was not loaded; a model has one "
              + field + " value per output");
        }
        if (inChunk == chunk.length) {
          full.add(chunk);
          chunk = new float[Math.min(chunk.length * 2, MAX_CHUNK)];
          inChunk = 0;
        }
        chunk[inChunk++] = row < 0 ? number(token, field, n, -1) : number(token, field, row, n);
        n++;
      }
      if (n == 0) {
        String name = row < 0 ? field : field + "[" + row + "]";
        throw new IllegalArgumentException(FILE + ": " + name + " must be a non-empty array of numbers");
      }
      float[] out = new float[n];
      int at = 0;
      for (float[] c : full) {
        System.arraycopy(c, 0, out, at, c.length);
        at += c.length;
      }
      System.arraycopy(chunk, 0, out, at, inChunk);
      if (counted) {
        weightsRead += n;
      }
      return out;
    }

    /**
     * The number the parser is on, as a float32.
     *
     * @param i the first index of {@code field}, or -1
     * @param j the second index, or -1
     */
    private float number(@Nullable JsonToken token, String field, int i, int j) throws IOException {
      if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new IllegalArgumentException(
            FILE + ": " + name(field, i, j) + " is not a finite number: " + describe(token));
      }
      float value = (float) parser.getDoubleValue();
      if (!Float.isFinite(value)) {
        throw new IllegalArgumentException(
            FILE + ": " + name(field, i, j) + " is " + parser.getText() + ", which is not a finite float32");
      }
      return value;
    }

    private static String name(String field, int i, int j) {
      return field + (i < 0 ? "" : "[" + i + "]") + (j < 0 ? "" : "[" + j + "]");
    }

    private IllegalArgumentException tooMany() {
      return new IllegalArgumentException(FILE + " has more than " + maxWeights + " weights, the most this loader"
          + " reads, so it was not loaded; to serve a model this large, give the registry's builder a new"
          + " LinearModelLoader(maxWeights) with a higher limit (each weight takes 4 bytes of heap)");
    }

    private String describe(@Nullable JsonToken token) throws IOException {
      if (token == null) {
        return "the end of the file";
      }
      return switch (token) {
        case START_ARRAY -> "an array";
        case START_OBJECT -> "an object";
        case VALUE_STRING -> {
          String text = parser.getText();
          yield "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
        }
        default -> parser.getText();
      };
    }
  }
}
