package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One publish attempt, stored as the immutable object {@code <model>/runs/<id>.json}, written once with a
 * create-only write: the run log of a model. Immutable.
 *
 * <p>{@code trained_at} and {@code rows} come from the publication's training information (the keys {@code
 * trained_at} and {@code rows}) when it has them; {@code trained_at} is the time of the attempt otherwise.
 *
 * @param id the run id, which names the file: {@code <yyyyMMdd-HHmmss>-<8 hex>}, so names sort by time
 * @param model the model
 * @param status how the attempt ended
 * @param trainedAt when the model was trained (ISO-8601 as given)
 * @param finishedAt when the attempt ended, ISO-8601
 * @param by who published
 * @param rows the number of training rows, or null if not given
 * @param metrics the version's metrics (mae, rmse, r2, accuracy, ...)
 * @param version the version published, or null if the attempt failed before one was claimed
 * @param promoted whether this attempt moved the pointer to the version
 * @param error what went wrong, for a failed attempt
 * @param training the free-form training information of the publication
 * @param verdicts what the gates said, when they were checked
 */
public record RunRecord(
    String id,
    String model,
    Status status,
    String trainedAt,
    String finishedAt,
    String by,
    @Nullable Long rows,
    Map<String, Double> metrics,
    @Nullable VersionId version,
    boolean promoted,
    @Nullable String error,
    Map<String, Object> training,
    List<GateVerdict> verdicts) {

  /** Checks and copies. */
  public RunRecord {
    requireNonNull(id, "id");
    requireNonNull(model, "model");
    requireNonNull(status, "status");
    requireNonNull(trainedAt, "trainedAt");
    requireNonNull(finishedAt, "finishedAt");
    requireNonNull(by, "by");
    metrics = Map.copyOf(metrics);
    training = Map.copyOf(training);
    verdicts = List.copyOf(verdicts);
    if (promoted && version == null) {
      throw new IllegalArgumentException("a promoted run names its version");
    }
  }

  /** How a publish attempt ended. */
  public enum Status {
    /** The version was published (and promoted, if {@link #promoted()}). */
    COMPLETED,
    /** The version was published, and the gates refused to promote it. */
    REFUSED,
    /** The attempt failed: see {@link #error()}. */
    FAILED
  }
}
