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
 */
public record Pointer(
    VersionId version,
    @Nullable String updatedAt,
    @Nullable String updatedBy,
    @Nullable String reason,
    @Nullable VersionId previous,
    @Nullable String s3Prefix,
    long sequence) {

  /** Checks the pointer. */
  public Pointer {
    requireNonNull(version, "version");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0 but was " + sequence);
    }
  }

  /** A pointer with only a version, as the smallest hand-written {@code latest.json}. */
  public static Pointer to(VersionId version) {
    return new Pointer(version, null, null, null, null, null, 0);
  }
}
