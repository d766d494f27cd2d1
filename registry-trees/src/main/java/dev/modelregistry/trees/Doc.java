package dev.modelregistry.trees;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One object of a model document (XGBoost JSON or UBJSON, read by {@link JsonDocuments} or {@link
 * Ubjson}), with typed accessors whose errors name the file, the field's path and what was expected. Not
 * thread-safe; used while a model is read.
 */
final class Doc {

  private final String file;
  private final String path;
  private final Map<String, Object> fields;

  Doc(String file, String path, Map<String, Object> fields) {
    this.file = file;
    this.path = path;
    this.fields = fields;
  }

  String path() {
    return path;
  }

  boolean has(String key) {
    return fields.containsKey(key);
  }

  Doc object(String key) {
    return optionalObject(key).orElseThrow(() -> malformed(key, "an object", null));
  }

  @SuppressWarnings("unchecked")
  Optional<Doc> optionalObject(String key) {
    Object value = fields.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw malformed(key, "an object", value);
    }
    return Optional.of(new Doc(file, at(key), (Map<String, Object>) map));
  }

  String string(String key) {
    return optionalString(key).orElseThrow(() -> malformed(key, "a string", null));
  }

  Optional<String> optionalString(String key) {
    Object value = fields.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw malformed(key, "a string", value);
    }
    return Optional.of(s);
  }

  /** An integer stored as a number or, as XGBoost stores parameters, as a decimal string. */
  long integer(String key, long min, long max) {
    Object value = fields.get(key);
    long n;
    if (value instanceof Num num && num.value() == Math.rint(num.value()) && Math.abs(num.value()) < 0x1p53) {
      n = (long) num.value();
    } else if (value instanceof String s) {
      try {
        n = Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        throw malformed(key, "an integer", value);
      }
    } else {
      throw malformed(key, "an integer", value);
    }
    if (n < min || n > max) {
      throw malformed(key, "an integer in [" + min + ", " + max + "]", value);
    }
    return n;
  }

  long integer(String key, long min, long max, long fallback) {
    return has(key) ? integer(key, min, max) : fallback;
  }

  /** An array of objects. */
  @SuppressWarnings("unchecked")
  List<Doc> objects(String key) {
    Object value = fields.get(key);
    if (!(value instanceof List<?> list)) {
      if (value instanceof NumArray array && array.length() == 0) {
        return List.of();
      }
      throw malformed(key, "an array of objects", value);
    }
    List<Doc> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> map)) {
        throw malformed(key + "[" + i + "]", "an object", list.get(i));
      }
      out.add(new Doc(file, at(key) + "[" + i + "]", (Map<String, Object>) map));
    }
    return out;
  }

  /** An array of numbers (booleans count as 0 and 1, as XGBoost 1.x wrote {@code default_left}). */
  NumArray numbers(String key) {
    Object value = fields.get(key);
    if (value instanceof NumArray array) {
      return array;
    }
    if (value instanceof List<?> list) {
      double[] values = new double[list.size()];
      float[] floats = new float[list.size()];
      for (int i = 0; i < values.length; i++) {
        Object item = list.get(i);
        if (item instanceof Num num) {
          values[i] = num.value();
          floats[i] = num.asFloat();
        } else if (item instanceof Boolean b) {
          values[i] = b ? 1 : 0;
          floats[i] = b ? 1 : 0;
        } else {
          throw malformed(key + "[" + i + "]", "a number", item);
        }
      }
      return new NumArray(values, floats);
    }
    throw malformed(key, "an array of numbers", value);
  }

  /** An array of integers in [min, max]. */
  int[] ints(String key, int min, int max) {
    double[] values = numbers(key).values();
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (v != Math.rint(v) || v < min || v > max) {
        throw malformed(key + "[" + i + "]", "an integer in [" + min + ", " + max + "]", new Num(v, (float) v));
      }
      out[i] = (int) v;
    }
    return out;
  }

  /** An array of exactly {@code length} numbers. */
  NumArray numbers(String key, int length) {
    NumArray array = numbers(key);
    if (array.length() != length) {
      throw malformed(key, length + " values", array.length() + " values");
    }
    return array;
  }

  int[] ints(String key, int length, int min, int max) {
    int[] out = ints(key, min, max);
    if (out.length != length) {
      throw malformed(key, length + " values", out.length + " values");
    }
    return out;
  }

  IllegalArgumentException malformed(String key, String expected, @Nullable Object actual) {
    return new IllegalArgumentException(file + ": " + at(key) + " must be " + expected + " but "
        + (actual == null ? "is missing" : "is " + describe(actual)));
  }

  UnsupportedModelException unsupported(String what) {
    return new UnsupportedModelException(file + ": " + what);
  }

  private String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Object value) {
    if (value instanceof Num num) {
      return String.valueOf(num.value());
    }
    if (value instanceof NumArray array) {
      return "an array of " + array.length() + " numbers";
    }
    if (value instanceof List<?> list) {
      return "an array of " + list.size() + " values";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    String text = String.valueOf(value);
    return text.length() > 60 ? '"' + text.substring(0, 60) + "…\"" : '"' + text + '"';
  }
}
