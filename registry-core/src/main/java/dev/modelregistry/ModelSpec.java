package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/**
 * A model the registry serves, declared when it is built. Immutable.
 *
 * @param name the model name
 * @param required whether building the registry fails when no source can provide the model; an optional
 *     model that cannot be loaded at start is retried on every poll
 * @param pinnedVersion a version to serve instead of the one the pointer names (a local override, for an
 *     emergency roll back that does not touch the store), or null to follow the pointer
 */
public record ModelSpec(String name, boolean required, @Nullable String pinnedVersion) {

  /** Checks. */
  public ModelSpec {
    Names.requireModelName(name);
    if (pinnedVersion != null) {
      VersionId.of(pinnedVersion);
    }
  }

  /** A model that must load when the registry is built. */
  public static ModelSpec required(String name) {
    return new ModelSpec(name, true, null);
  }

  /** A model that is loaded when a source has it, without failing the build when none does. */
  public static ModelSpec optional(String name) {
    return new ModelSpec(name, false, null);
  }

  /** This spec, pinned to {@code version}. */
  public ModelSpec pinnedTo(String version) {
    return new ModelSpec(name, required, version);
  }
}
