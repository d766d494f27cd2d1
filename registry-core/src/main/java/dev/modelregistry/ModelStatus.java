package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one model's state in a registry: what it serves, where from, and how polling goes. For
 * health checks, metrics and operators. Immutable.
 *
 * @param model the model name
 * @param required whether the model was declared required
 * @param version the version served, or null if none is loaded
 * @param source where the served version came from, or null if none is loaded
 * @param loadedAt when the served version was swapped in, or null
 * @param pinnedVersion the version the model is pinned to, or null when it follows the pointer
 * @param pointerVersion the version the store's pointer named at the last successful read, or null
 * @param lastPoll the outcome of the last poll
 * @param lastPollAt when the last poll ended, or null before the first
 * @param lastSuccessfulPollAt when the store last answered a poll, or null if it never did
 * @param consecutiveFailures failed polls or loads since the last success
 * @param lastFailure the most recent failure: a poll failure is cleared when the store answers again, a
 *     load failure when a later load succeeds
 * @param retiredVersions versions of this model that were swapped out and wait for their last call to end
 *     before they are closed
 * @param inFlight calls running on the live version at the moment of the snapshot (leases included)
 * @param loadingVersion the version being fetched and loaded right now, or null
 * @param stuckSince when the load or pointer read that has run past the load timeout started, or null when
 *     nothing is stuck; the registry has stopped waiting for it and goes on with other work, but the thread
 *     running it did not stop when interrupted
 */
public record ModelStatus(
    String model,
    boolean required,
    @Nullable String version,
    @Nullable ModelSource source,
    @Nullable Instant loadedAt,
    @Nullable String pinnedVersion,
    @Nullable String pointerVersion,
    PollResult lastPoll,
    @Nullable Instant lastPollAt,
    @Nullable Instant lastSuccessfulPollAt,
    int consecutiveFailures,
    @Nullable Failure lastFailure,
    int retiredVersions,
    long inFlight,
    @Nullable String loadingVersion,
    @Nullable Instant stuckSince,
    Rollout rollout) {

  /** Checks. */
  public ModelStatus {
    requireNonNull(model, "model");
    requireNonNull(lastPoll, "lastPoll");
    requireNonNull(rollout, "rollout");
  }

  /**
   * The canary and the shadow a model serves beside its stable version. Immutable.
   *
   * @param canaryVersion the canary version, or null when there is none
   * @param canaryPercent its share of calls (0 without a canary)
   * @param shadowVersion the shadow version, or null when there is none
   * @param shadowSample the fraction of calls it gets (0 without a shadow)
   * @param shadow the shadow's running comparison with the stable version, or null without a shadow
   */
  public record Rollout(
      @Nullable String canaryVersion,
      double canaryPercent,
      @Nullable String shadowVersion,
      double shadowSample,
      @Nullable ShadowComparison shadow) {

    /** No canary, no shadow. */
    public static final Rollout NONE = new Rollout(null, 0, null, 0, null);

    /** Whether a canary or a shadow is in force. */
    public boolean active() {
      return canaryVersion != null || shadowVersion != null;
    }
  }

  /** Whether a version is being served. */
  public boolean loaded() {
    return version != null;
  }

  /**
   * Whether the model serves an older version than the pointer names (a newer version failed to load, the
   * model is pinned, or the store is away and a fallback serves).
   */
  public boolean behindPointer() {
    return pointerVersion != null && !pointerVersion.equals(version);
  }

  /** How long since the store last answered a poll, as of {@code now}; empty if it never answered. */
  public Optional<Duration> staleness(Instant now) {
    return Optional.ofNullable(lastSuccessfulPollAt).map(at -> Duration.between(at, now));
  }

  /** The outcome of a poll. */
  public enum PollResult {
    /** No poll has run yet. */
    NEVER,
    /** The pointer has not changed (or names the version served). */
    UNCHANGED,
    /** The pointer names a new version; it was loaded or its load was started. */
    CHANGED,
    /** The store has no pointer for the model. */
    NO_POINTER,
    /** The store could not be read, or the pointer is malformed. */
    FAILED
  }

  /**
   * A failure of a poll or a load.
   *
   * @param version the version that failed to load, or null for a poll failure
   * @param message what happened
   * @param at when
   */
  public record Failure(@Nullable String version, String message, Instant at) {

    /** Checks. */
    public Failure {
      requireNonNull(message, "message");
      requireNonNull(at, "at");
    }
  }
}
