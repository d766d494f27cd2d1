package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/**
 * How a pointer move is made: why, whether it overrides the model's gates, and whether it may change the
 * features. Immutable.
 *
 * <p>A forced move needs a reason and is recorded as forced in the history. Forcing overrides gates only:
 * a version that fails verification, is incomplete or is archived is refused whatever the options.
 *
 * @param reason why the pointer moves, recorded in the pointer and the history; required when forced
 * @param force whether to move even though gates refuse the version
 * @param schemaChange whether the move may change the features (their names or order), which the {@code
 *     same_features} gate otherwise refuses
 */
public record MoveOptions(@Nullable String reason, boolean force, boolean schemaChange) {

  /** The longest reason accepted, in characters. */
  public static final int MAX_REASON = 1000;

  /** Checks. */
  public MoveOptions {
    if (reason != null && reason.length() > MAX_REASON) {
      throw new IllegalArgumentException("reason has " + reason.length() + " characters; at most " + MAX_REASON);
    }
    if (force && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a forced move needs a reason, recorded in the history");
    }
  }

  /** A move checked by the gates, with a reason (or null). */
  public static MoveOptions because(@Nullable String reason) {
    return new MoveOptions(reason, false, false);
  }

  /** A move that overrides the gates; {@code reason} is required. */
  public static MoveOptions forced(String reason) {
    return new MoveOptions(reason, true, false);
  }

  /** These options, also allowing a change of the features. */
  public MoveOptions allowingSchemaChange() {
    return new MoveOptions(reason, force, true);
  }
}
