package dev.modelregistry;

/**
 * One version of a model, pinned until {@link #close()}. The only way to reach the framework object behind
 * a model ({@link #unwrap(Class)}), because the registry cannot close a version while a lease on it is open.
 *
 * <pre>{@code
 * try (Lease lease = registry.current("t20_win_predictor").lease()) {
 *   float[] p = lease.predict(features);
 *   log.info("scored with {}", lease.version());
 * }
 * }</pre>
 *
 * <p>A lease may be used from several threads while it is open; it must be closed exactly once. Leases held
 * longer than the registry's {@code leaseWarningAfter} are reported with the stack where they were taken.
 * Methods called after {@code close()} throw {@link IllegalStateException}.
 */
public interface Lease extends ModelView, AutoCloseable {

  /**
   * The framework object behind the version (an XGBoost {@code Booster}, an ONNX Runtime {@code
   * OrtSession}, ...). Valid only until this lease is closed: never keep it beyond.
   *
   * @throws IllegalArgumentException if the version's model is not of that type
   */
  <T> T unwrap(Class<T> type);

  /**
   * Which arm of the rollout this lease's version serves: {@link Arm#STABLE}, or {@link Arm#CANARY} when the
   * call was routed to the canary (by a random draw, or by the unit's bucket with {@link Model#forUnit}).
   * Log it with the outcome to compare the arms.
   */
  Arm arm();

  /** Releases the version; the registry may close it once it is retired and no one else uses it. */
  @Override
  void close();
}
