package dev.modelregistry.spi;

import dev.modelregistry.Names;
import org.jspecify.annotations.Nullable;

/**
 * The one rule that keeps a key inside a store's root, used by every store: in memory, on the classpath,
 * on disk, on S3, and by the pointer's {@code s3_prefix} check. Stateless and thread-safe.
 *
 * <p>A safe key is one to {@value #MAX_LENGTH} characters of segments separated by single {@code /}; each
 * segment is one or more of {@code A-Z a-z 0-9 _ . -} and is neither {@code .} nor {@code ..}. So a key has
 * no leading, trailing or double {@code /}, no {@code \}, no control character, no space, and nothing
 * outside ASCII. The rule is an allow-list on purpose:
 *
 * <ul>
 *   <li>look-alikes such as the fullwidth solidus {@code U+FF0F} or the division slash {@code U+2215}
 *       become {@code /} under Unicode normalization in some file systems and tools, so no non-ASCII
 *       character is allowed at all;
 *   <li>{@code %} is refused, so a percent-encoded {@code %2e%2e} or {@code %2f} is never a key: no store
 *       decodes keys, but a proxy, a URL builder or a log reader might, and refusing costs nothing because
 *       the core builds every key from validated model names, version ids and file names.
 * </ul>
 *
 * <p>Stores call {@link #requireSafeKey} on every key they receive before touching anything, and a store
 * with a key prefix (an S3 store under {@code models}) checks that prefix with {@link #requireSafePrefix}.
 */
public final class StoreKeys {

  /** The longest key accepted, in characters (all ASCII, so also in bytes): S3's limit for a whole key. */
  public static final int MAX_LENGTH = 1024;

  private StoreKeys() {}

  /**
   * Returns {@code key} if it is a safe key.
   *
   * @throws IllegalArgumentException quoting the key and saying what is wrong with it
   */
  public static String requireSafeKey(@Nullable String key) {
    String problem = problem(key);
    if (problem != null) {
      throw new IllegalArgumentException("key " + Names.quote(key) + " is not a safe store key: " + problem
          + "; keys are segments of [A-Za-z0-9_.-] separated by single '/', at most " + MAX_LENGTH
          + " characters, never '.' or '..'");
    }
    return key;
  }

  /**
   * Returns {@code prefix} if it is empty (the store's root) or a safe key.
   *
   * @throws IllegalArgumentException quoting the prefix and saying what is wrong with it
   */
  public static String requireSafePrefix(@Nullable String prefix) {
    if (prefix != null && prefix.isEmpty()) {
      return prefix;
    }
    String problem = problem(prefix);
    if (problem != null) {
      throw new IllegalArgumentException("prefix " + Names.quote(prefix) + " is not a safe key prefix: " + problem
          + "; a prefix is empty or segments of [A-Za-z0-9_.-] separated by single '/', for example models"
          + " or ml/models");
    }
    return prefix;
  }

  /** Whether {@code key} is a safe key. */
  public static boolean isSafeKey(@Nullable String key) {
    return problem(key) == null;
  }

  /** What makes {@code key} unsafe, or null if it is safe. */
  private static @Nullable String problem(@Nullable String key) {
    if (key == null) {
      return "it is null";
    }
    if (key.isEmpty()) {
      return "it is empty";
    }
    if (key.length() > MAX_LENGTH) {
      return "it has " + key.length() + " characters";
    }
    int segmentStart = 0;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : '/';
      if (c == '/') {
        String segment = key.substring(segmentStart, i);
        if (segment.isEmpty()) {
          return i == 0 ? "it starts with '/'"
              : i == key.length() ? "it ends with '/'"
              : "it has an empty segment ('//')";
        }
        if (segment.equals(".") || segment.equals("..")) {
          return "it has a '" + segment + "' segment";
        }
        segmentStart = i + 1;
      } else if (!allowed(c)) {
        return "it contains " + describe(c) + " at index " + i;
      }
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '-';
  }

  private static String describe(char c) {
    if (c == '\\') {
      return "'\\'";
    }
    if (c < 0x20 || c == 0x7f || c > 0x7e) {
      return String.format("the character U+%04X", (int) c);
    }
    return "'" + c + "'";
  }
}
