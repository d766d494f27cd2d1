package dev.modelregistry;

import static java.util.Objects.requireNonNull;

/**
 * What one gate said about a version: passed or not, and why, with both numbers ({@code mae 0.231 > 0.210 =
 * 1.10 × serving v7's 0.191}). Immutable.
 *
 * @param gate the gate, as written ({@code mae <= serving.mae * 1.10}, {@code required roc_auc}, {@code same
 *     features})
 * @param passed whether the version passed it
 * @param message what was compared
 */
public record GateVerdict(String gate, boolean passed, String message) {

  /** Checks. */
  public GateVerdict {
    requireNonNull(gate, "gate");
    requireNonNull(message, "message");
  }
}
