package dev.modelregistry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of one version of a model: {@code v<digits>} ({@code v1}, {@code v2}, …) or {@code
 * v<YYYYMMDD>_<HHMMSS>} ({@code v20251201_153000}).
 *
 * <p>Versions order by their digits read as one number, so {@code v1 < v2 < v10 < v20251201_153000}. Ids
 * come from files that other programs write and become folder names, so anything else is refused. This
 * type is immutable and thread-safe.
 *
 * @param value the id as written in the store, for example {@code "v3"}
 */
public record VersionId(String value) implements Comparable<VersionId> {

  private static final Pattern FORMAT = Pattern.compile("v(\\d{1,18})|v(\\d{8})_(\\d{6})");

  /**
   * Checks the id.
   *
   * @throws IllegalArgumentException if {@code value} is not {@code v<digits>} or {@code v<YYYYMMDD>_<HHMMSS>}
   */
  public VersionId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "version id " + Names.quote(value)
              + " is not valid: expected v<digits> (v1, v2, ...) or v<YYYYMMDD>_<HHMMSS> (v20251201_153000)");
    }
  }

  /** Parses an id; the same as the constructor, for readability at call sites. */
  public static VersionId of(String value) {
    return new VersionId(value);
  }

  /** Whether {@code value} is a valid version id. */
  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }

  /** The digits of the id read as one number: 3 for {@code v3}, 20251201153000 for {@code v20251201_153000}. */
  public long number() {
    Matcher m = FORMAT.matcher(value);
    if (!m.matches()) {
      throw new AssertionError(value);
    }
    return m.group(1) != null ? Long.parseLong(m.group(1)) : Long.parseLong(m.group(2) + m.group(3));
  }

  /** Whether this id has the timestamp form {@code v<YYYYMMDD>_<HHMMSS>}. */
  public boolean isTimestamp() {
    return value.indexOf('_') >= 0;
  }

  @Override
  public int compareTo(VersionId other) {
    int byNumber = Long.compare(number(), other.number());
    return byNumber != 0 ? byNumber : value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
