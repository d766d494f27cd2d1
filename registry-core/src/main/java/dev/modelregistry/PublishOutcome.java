package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@link ModelPublisher#publishAndPromote} did: the version it published, whether it now serves, and
 * what the gates said. Immutable.
 *
 * @param version the published version
 * @param promoted whether the pointer moved to it
 * @param verdicts the gates' verdicts (empty when the model has no gates)
 * @param runId the id of the run record written for the attempt
 */
public record PublishOutcome(VersionInfo version, boolean promoted, List<GateVerdict> verdicts, String runId) {

  /** Checks and copies. */
  public PublishOutcome {
    requireNonNull(version, "version");
    requireNonNull(runId, "runId");
    verdicts = List.copyOf(verdicts);
  }
}
