package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What a prune deleted, or in a dry run would delete, and why each other version was kept. Immutable.
 *
 * @param model the model
 * @param dryRun whether this was a dry run (nothing was changed)
 * @param deleted the versions archived and deleted (or that would be), oldest first
 * @param kept every other version, with the rule that kept it
 */
public record PruneReport(String model, boolean dryRun, List<VersionId> deleted, Map<VersionId, String> kept) {

  /** Checks and copies. */
  public PruneReport {
    requireNonNull(model, "model");
    deleted = List.copyOf(deleted);
    kept = Map.copyOf(kept);
  }
}
