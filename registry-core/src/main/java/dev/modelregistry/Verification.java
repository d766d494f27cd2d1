package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The result of checking every file of a version against its manifest, downloaded in full: sizes and
 * SHA-256. Immutable.
 *
 * @param model the model
 * @param version the version
 * @param state what the folder holds: only a {@link VersionInfo.State#COMPLETE} version can be verified
 * @param problems what is wrong, one line per file (missing, wrong size, wrong SHA-256), or why the version
 *     cannot be verified; empty when every file matches
 * @param bytes the bytes read
 */
public record Verification(String model, VersionId version, VersionInfo.State state, List<String> problems,
    long bytes) {

  /** Checks and copies. */
  public Verification {
    requireNonNull(model, "model");
    requireNonNull(version, "version");
    requireNonNull(state, "state");
    problems = List.copyOf(problems);
  }

  /** Whether the version is complete and every file matches its manifest. */
  public boolean ok() {
    return state == VersionInfo.State.COMPLETE && problems.isEmpty();
  }
}
