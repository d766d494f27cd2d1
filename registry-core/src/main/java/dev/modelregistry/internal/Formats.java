package dev.modelregistry.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
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
 *       object (XGBoost's JSON model): {@code xgboost}.
 * </ul>
 */
public final class Formats {

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
      return jsonFormat(head.apply("model.json"));
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

  /** Reads a file for format detection (only {@code model.json} is ever read). */
  private static byte[] readHead(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
