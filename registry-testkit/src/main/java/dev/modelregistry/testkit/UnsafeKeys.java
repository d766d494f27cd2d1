package dev.modelregistry.testkit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The keys no store may touch, each with why: the table behind {@link dev.modelregistry.spi.StoreKeys}'s test
 * and {@link ModelStoreContract}'s check that a store refuses them on every operation. Immutable.
 */
public final class UnsafeKeys {

  /**
   * One unsafe key.
   *
   * @param key the key
   * @param why what makes it unsafe, for test names
   */
  public record Case(String key, String why) {

    /** Checks. */
    public Case {
      requireNonNull(key, "key");
      requireNonNull(why, "why");
    }

    @Override
    public String toString() {
      return why;
    }
  }

  /** Every case. */
  public static final List<Case> ALL = List.of(
      new Case("..", "parent folder"),
      new Case(".", "current folder"),
      new Case("../escape.json", "leading parent segment"),
      new Case("m/../../escape.json", "parent segments inside"),
      new Case("m/v1/..", "trailing parent segment"),
      new Case("m/./v1/model.json", "current-folder segment"),
      new Case("/etc/passwd", "leading slash"),
      new Case("m/v1/", "trailing slash"),
      new Case("m//v1/model.json", "empty segment"),
      new Case("m\\v1\\model.json", "backslash"),
      new Case("..\\escape.json", "backslash parent"),
      new Case("C:/escape.json", "drive letter"),
      new Case("m/v1/a\u0000b", "NUL"),
      new Case("m/v1/a\nb", "line feed"),
      new Case("m/v1/a\u001fb", "unit separator"),
      new Case("m/v1/a\u007fb", "DEL"),
      new Case("m/v1/a\u0085b", "C1 next line"),
      new Case("m\uFF0F..\uFF0Fescape.json", "fullwidth solidus"),
      new Case("m\u2215v1\u2215model.json", "division slash"),
      new Case("\uFF0E\uFF0E/escape.json", "fullwidth full stops"),
      new Case("m/v1/mod\u202Eel.json", "right-to-left override"),
      new Case("%2e%2e/escape.json", "percent-encoded parent"),
      new Case("m%2Fv1%2Fmodel.json", "percent-encoded slash"),
      new Case("m/v1/a b.json", "space"),
      new Case("~/escape.json", "tilde"),
      new Case("", "empty key"),
      new Case("m/" + "x".repeat(1023), "longer than 1024 characters"));

  private UnsafeKeys() {}
}
