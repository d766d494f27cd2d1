package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One move of a model's serving pointer, stored as an immutable object under {@code <model>/history/}.
 * Immutable.
 *
 * @param sequence the number of the move; equals the {@link Pointer#sequence()} it wrote
 * @param from the version served before, or null for the first move
 * @param to the version served after
 * @param at when the pointer moved, ISO-8601
 * @param by who moved it
 * @param action what kind of move: {@code promote}, {@code rollback}, {@code canary-start}, {@code
 *     canary-percent}, {@code canary-promote}, {@code canary-abort}, {@code shadow-start}, {@code shadow-stop}
 * @param reason why, as given by whoever moved it
 * @param canary the canary after the move, or null
 * @param shadow the shadow after the move, or null
 * @param forced whether the move overrode gates that refused it ({@code "forced": true} in the record)
 */
public record PointerMove(
    long sequence,
    @Nullable VersionId from,
    VersionId to,
    String at,
    String by,
    String action,
    @Nullable String reason,
    Pointer.@Nullable Canary canary,
    Pointer.@Nullable Shadow shadow,
    boolean forced) {

  /** Checks. */
  public PointerMove {
    requireNonNull(to, "to");
    requireNonNull(at, "at");
    requireNonNull(by, "by");
    requireNonNull(action, "action");
  }

  /** A move that was not forced. */
  public PointerMove(long sequence, @Nullable VersionId from, VersionId to, String at, String by, String action,
      @Nullable String reason, Pointer.@Nullable Canary canary, Pointer.@Nullable Shadow shadow) {
    this(sequence, from, to, at, by, action, reason, canary, shadow, false);
  }

  /** A move of the stable version only. */
  public PointerMove(long sequence, @Nullable VersionId from, VersionId to, String at, String by, String action,
      @Nullable String reason) {
    this(sequence, from, to, at, by, action, reason, null, null);
  }
}
