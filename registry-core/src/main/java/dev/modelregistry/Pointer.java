package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The serving pointer of a model, stored as {@code <model>/latest.json}.
 *
 * <p>{@code {"version": "v2"}} is a complete pointer. Scripts that publish by hand usually add {@code
 * updated_at} and {@code s3_prefix}; this library's publisher also writes {@code updated_by}, {@code
 * reason}, {@code previous} (the version it replaced, used by roll back) and {@code sequence} (the number
 * of the move, which names its history record). Unknown fields are ignored when read. Immutable.
 *
 * @param version the version to serve
 * @param updatedAt when the pointer moved, as written (ISO-8601 by this library; kept verbatim when read)
 * @param updatedBy who moved it
 * @param reason why it moved
 * @param previous the version it pointed to before this move
 * @param s3Prefix the key prefix of the version folder, as written by S3 scripts ({@code
 *     models/t20_win_predictor/v2}); when present it must name the same folder as {@code version}
 * @param sequence the number of this pointer move, counting from 1; 0 when the writer did not record one
 * @param canary a version that serves a share of the calls beside {@code version}, or null
 * @param shadow a version that gets a sample of the calls' inputs, off the callers' threads, to compare
 *     with {@code version}'s answers, or null; it never answers a caller
 */
public record Pointer(
    VersionId version,
    @Nullable String updatedAt,
    @Nullable String updatedBy,
    @Nullable String reason,
    @Nullable VersionId previous,
    @Nullable String s3Prefix,
    long sequence,
    @Nullable Canary canary,
    @Nullable Shadow shadow) {

  /** Checks the pointer. */
  public Pointer {
    requireNonNull(version, "version");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0 but was " + sequence);
    }
    if (canary != null && canary.version().equals(version)) {
      throw new IllegalArgumentException("the canary " + canary.version() + " is the stable version itself");
    }
    if (shadow != null && shadow.version().equals(version)) {
      throw new IllegalArgumentException("the shadow " + shadow.version() + " is the stable version itself");
    }
  }

  /** A pointer without canary or shadow. */
  public Pointer(VersionId version, @Nullable String updatedAt, @Nullable String updatedBy, @Nullable String reason,
      @Nullable VersionId previous, @Nullable String s3Prefix, long sequence) {
    this(version, updatedAt, updatedBy, reason, previous, s3Prefix, sequence, null, null);
  }

  /** A pointer with only a version, as the smallest hand-written {@code latest.json}. */
  public static Pointer to(VersionId version) {
    return new Pointer(version, null, null, null, null, null, 0);
  }

  /**
   * A canary: {@code "canary": {"version": "v8", "percent": 10.0}} in {@code latest.json}.
   *
   * <p>A call without a unit id goes to the canary with probability {@code percent / 100}. A unit (a user, a
   * device) goes to the canary when its bucket, {@code murmur3_x86_32("<group>:<unit id>") % 100 + 1} as
   * Unleash computes it, is at most {@code percent}: raising the percent only adds units to the canary,
   * lowering it only removes those above the new line.
   *
   * @param version the canary version
   * @param percent its share, in [0, 100]
   * @param group the bucketing group: units are bucketed on {@code "<group>:<unit id>"}; null means the model
   *     name, as Unleash uses the toggle name
   */
  public record Canary(VersionId version, double percent, @Nullable String group) {

    /** Checks. */
    public Canary {
      requireNonNull(version, "version");
      if (!(percent >= 0 && percent <= 100)) {
        throw new IllegalArgumentException("canary percent must be in [0, 100] but was " + percent);
      }
    }
  }

  /**
   * A shadow: {@code "shadow": {"version": "v9", "sample": 0.25}} in {@code latest.json}.
   *
   * @param version the shadow version
   * @param sample the fraction of calls whose input it also gets, in [0, 1]
   */
  public record Shadow(VersionId version, double sample) {

    /** Checks. */
    public Shadow {
      requireNonNull(version, "version");
      if (!(sample >= 0 && sample <= 1)) {
        throw new IllegalArgumentException("shadow sample must be in [0, 1] but was " + sample);
      }
    }
  }
}
