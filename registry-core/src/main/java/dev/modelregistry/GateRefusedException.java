package dev.modelregistry;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A promote, canary start or canary promotion refused by the model's gates: the pointer did not move.
 * Carries every verdict; the message names each failed gate with both numbers. Force the move with {@link
 * MoveOptions#forced(String)} ({@link ModelPublisher#promoteWith}) if a person decides the gates are wrong this time.
 */
public final class GateRefusedException extends PublishException {

  private static final long serialVersionUID = 1L;

  private final List<GateVerdict> verdicts;

  /** Creates the exception; {@code action} is what was refused ({@code promote}, {@code canary-start}). */
  public GateRefusedException(String model, String version, String action, List<GateVerdict> verdicts) {
    super(message(model, version, action, verdicts), model, version, null);
    this.verdicts = List.copyOf(verdicts);
  }

  /** Every verdict, passed and failed, in the order the gates were checked. */
  public List<GateVerdict> verdicts() {
    return verdicts;
  }

  /** The verdicts that failed. */
  public List<GateVerdict> failed() {
    return verdicts.stream().filter(v -> !v.passed()).toList();
  }

  private static String message(String model, String version, String action, List<GateVerdict> verdicts) {
    List<GateVerdict> failed = verdicts.stream().filter(v -> !v.passed()).toList();
    return "model " + model + ": " + action + " of " + version + " refused by " + failed.size()
        + (failed.size() == 1 ? " gate: " : " gates: ")
        + failed.stream().map(GateVerdict::message).collect(Collectors.joining("; "))
        + "; the pointer did not move (force the move with a reason to override)";
  }
}
