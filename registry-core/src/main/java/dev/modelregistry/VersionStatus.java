package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Set;

/**
 * A version of a model with everything known about its place in the store: what its folder holds, whether
 * it serves, is a canary, a shadow, the roll-back target, refused by a gate or archived. Immutable.
 *
 * @param info what the folder holds (files, metrics, features); empty for an archived version whose files
 *     are gone
 * @param states the version's states
 */
public record VersionStatus(VersionInfo info, Set<VersionState> states) {

  /** Checks and copies. */
  public VersionStatus {
    requireNonNull(info, "info");
    states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
  }

  /** The version. */
  public VersionId version() {
    return info.version();
  }

  /** Whether the version has {@code state}. */
  public boolean is(VersionState state) {
    return states.contains(state);
  }
}
