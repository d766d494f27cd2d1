package dev.modelregistry;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Validation of the names that become paths or object keys: model names and artifact file names.
 *
 * <p>Names, versions and file names come from files that other programs write; none of them may escape
 * the store root or the cache folder. This class is stateless and thread-safe.
 */
public final class Names {

  private static final Pattern MODEL = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}");

  private Names() {}

  /**
   * Returns {@code name} if it is a valid model name: {@code [a-z0-9][a-z0-9_.-]{0,127}} without {@code ..}.
   *
   * @throws IllegalArgumentException naming the bad value otherwise
   */
  public static String requireModelName(@Nullable String name) {
    if (!isModelName(name)) {
      throw new IllegalArgumentException(
          "model name " + quote(name) + " is not valid: expected [a-z0-9][a-z0-9_.-]{0,127} without '..',"
              + " for example t20_win_predictor");
    }
    return name;
  }

  /** Whether {@code name} is a valid model name. */
  public static boolean isModelName(@Nullable String name) {
    return name != null && MODEL.matcher(name).matches() && !name.contains("..");
  }

  /**
   * Returns {@code name} if it is a valid artifact file name: one path segment of letters, digits, {@code _},
   * {@code .} and {@code -}, not starting with a dot, without {@code ..}.
   *
   * @throws IllegalArgumentException naming the bad value otherwise
   */
  public static String requireFileName(@Nullable String name) {
    if (!isFileName(name)) {
      throw new IllegalArgumentException(
          "file name " + quote(name) + " is not valid: expected one path segment of [A-Za-z0-9_.-],"
              + " not starting with '.', without '..', '/', '\\' or control characters");
    }
    return name;
  }

  /** Whether {@code name} is a valid artifact file name. */
  public static boolean isFileName(@Nullable String name) {
    return name != null && FILE.matcher(name).matches() && !name.contains("..");
  }

  /** Whether {@code fileName} is a Python pickle, which the JVM must never deserialize. */
  public static boolean isPickle(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".pkl") || lower.endsWith(".pickle") || lower.endsWith(".joblib");
  }

  /** Why a pickle file is refused, and what to publish instead. */
  public static String pickleRefusal(String fileName) {
    return fileName + " is a Python pickle; this library never deserializes pickles (loading one runs whatever"
        + " code it contains). Export the model instead: for XGBoost, booster.save_model(\"model.ubj\")"
        + " (model.get_booster().save_model(\"model.ubj\") for the scikit-learn wrapper); for scikit-learn"
        + " and others, convert to ONNX with skl2onnx or onnxmltools and publish model.onnx";
  }

  /**
   * Quotes a value read from a file for an error message: control characters (C0, DEL, C1) are escaped so a
   * log line stays one line, bidirectional controls are escaped so a line reads as it is stored, and long
   * values are cut at 200 characters.
   */
  public static String quote(@Nullable String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length() && i < 200; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > 200) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
