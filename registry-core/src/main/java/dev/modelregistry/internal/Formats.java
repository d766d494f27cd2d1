package dev.modelregistry.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tells a version's format from its file names, for versions published without a manifest, and for the
 * publisher when no format is given. Stateless and thread-safe.
 *
 * <ul>
 *   <li>a {@code .onnx} file, or ONNX Runtime's own {@code .ort}: {@code onnx};
 *   <li>a {@code .ubj} file, or {@code model.bst}, {@code model.xgb}, {@code model.bin}, {@code
 *       model.deprecated}: {@code xgboost};
 *   <li>{@code model.json} with {@code "format": "linear"}: {@code linear}; with a {@code "learner"}
 *       object (XGBoost's JSON model): {@code xgboost};
 *   <li>{@code model.txt} whose first line is {@code tree} and which has a {@code version=v…} line in its
 *       header (LightGBM's text model): {@code lightgbm}.
 * </ul>
 */
public final class Formats {

  /** How much of {@code model.txt} is read to tell a LightGBM model: its header comes first. */
  static final int TEXT_HEAD_BYTES = 4096;

  private static final List<String> XGBOOST_LEGACY =
      List.of("model.bst", "model.xgb", "model.bin", "model.deprecated");

  private Formats() {}

  /**
   * The format of a version with these files, if the rules decide it.
   *
   * @param head reads the first bytes of a file, for {@code model.json}
   */
  public static Optional<String> infer(List<String> files, Function<String, byte[]> head) {
    for (String file : files) {
      String lower = file.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".onnx") || lower.endsWith(".ort")) {
        return Optional.of("onnx");
      }
      if (lower.endsWith(".ubj") || XGBOOST_LEGACY.contains(lower)) {
        return Optional.of("xgboost");
      }
    }
    if (files.contains("model.json")) {
      Optional<String> json = jsonFormat(head.apply("model.json"));
      if (json.isPresent()) {
        return json;
      }
    }
    if (files.contains("model.txt")) {
      return textFormat(head.apply("model.txt"));
    }
    return Optional.empty();
  }

  /**
   * The format of a {@code model.txt}: {@code lightgbm} when the first line is {@code tree} and a {@code
   * version=} line follows in the header, as LightGBM writes (reads at most {@value #TEXT_HEAD_BYTES}
   * bytes).
   */
  static Optional<String> textFormat(byte[] content) {
    String head = new String(content, 0, Math.min(content.length, TEXT_HEAD_BYTES), StandardCharsets.UTF_8);
    List<String> lines = head.lines().limit(16).toList();
    if (!lines.isEmpty() && lines.get(0).equals("tree")
        && lines.stream().anyMatch(line -> line.startsWith("version=v"))) {
      return Optional.of("lightgbm");
    }
    return Optional.empty();
  }

  /**
   * The format of a {@code model.json}: {@code linear} for {@code "format": "linear"}, {@code xgboost} for a
   * top-level {@code "learner"} object. Streams the top level only, so a large XGBoost JSON model is not
   * parsed whole (its {@code "learner"} key comes first).
   */
  static Optional<String> jsonFormat(byte[] content) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(content)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("learner") && value == JsonToken.START_OBJECT) {
          return Optional.of("xgboost");
        }
        if (field.equals("format") && value == JsonToken.VALUE_STRING && parser.getText().equals("linear")) {
          return Optional.of("linear");
        }
        parser.skipChildren();
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@link #infer} on files in a local folder. */
  public static Optional<String> infer(Path directory, List<String> files) {
    return infer(files, name -> readHead(directory.resolve(name)));
  }

  /**
   * Reads a file for format detection: {@code model.json} whole, {@code model.txt} its first {@value
   * #TEXT_HEAD_BYTES} bytes.
   */
  private static byte[] readHead(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return file.getFileName().toString().endsWith(".txt") ? in.readNBytes(TEXT_HEAD_BYTES) : in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
