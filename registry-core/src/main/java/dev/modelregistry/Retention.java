package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which versions of a model a prune keeps. A version is kept when any rule keeps it: it is among the newest
 * {@code keepLast}, it is newer than {@code keepNewerThan}, it is protected here, or the pointer names it
 * (serving, canary, shadow, or the roll-back target) — the last always, whatever the rules. With no rule
 * set, a prune deletes nothing. Immutable.
 *
 * @param keepLast how many of the newest versions to keep, or 0 for no such rule
 * @param keepNewerThan keep versions created less than this long ago, or null for no such rule
 * @param protectedVersions versions to keep whatever their age: the pins of live registries, when known
 */
public record Retention(int keepLast, @Nullable Duration keepNewerThan, Set<VersionId> protectedVersions) {

  /** The largest {@code keepLast} accepted. */
  public static final int MAX_KEEP_LAST = 100_000;

  /** No rule: nothing is deleted. */
  public static final Retention NONE = new Retention(0, null, Set.of());

  /** Checks and copies. */
  public Retention {
    if (keepLast < 0 || keepLast > MAX_KEEP_LAST) {
      throw new IllegalArgumentException("keepLast must be in [0, " + MAX_KEEP_LAST + "] but was " + keepLast);
    }
    if (keepNewerThan != null && (keepNewerThan.isNegative() || keepNewerThan.isZero())) {
      throw new IllegalArgumentException("keepNewerThan must be positive but was " + keepNewerThan);
    }
    protectedVersions = Set.copyOf(protectedVersions);
  }

  /** Keeps the newest {@code n} versions (at least 1). */
  public static Retention keepLast(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keepLast must be >= 1 but was " + n);
    }
    return new Retention(n, null, Set.of());
  }

  /** Keeps versions created less than {@code age} ago. */
  public static Retention keepNewerThan(Duration age) {
    return new Retention(0, requireNonNull(age, "age"), Set.of());
  }

  /** Whether any rule is set; a retention without rules deletes nothing. */
  public boolean hasRules() {
    return keepLast > 0 || keepNewerThan != null;
  }

  /** This retention, also protecting {@code versions}. */
  public Retention protecting(Set<VersionId> versions) {
    Set<VersionId> all = new HashSet<>(protectedVersions);
    all.addAll(requireNonNull(versions, "versions"));
    return new Retention(keepLast, keepNewerThan, all);
  }

  /** The retention that keeps whatever either keeps: the larger count, the longer age, both protections. */
  public Retention and(Retention other) {
    requireNonNull(other, "other");
    Duration age = keepNewerThan == null ? other.keepNewerThan
        : other.keepNewerThan == null ? keepNewerThan
        : keepNewerThan.compareTo(other.keepNewerThan) >= 0 ? keepNewerThan : other.keepNewerThan;
    Set<VersionId> both = protecting(other.protectedVersions).protectedVersions;
    return new Retention(Math.max(keepLast, other.keepLast), age, both);
  }
}
