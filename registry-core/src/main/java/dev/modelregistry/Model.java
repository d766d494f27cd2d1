package dev.modelregistry;

/**
 * A served model, as returned by {@link ModelRegistry#current(String)}. Thread-safe; callers may keep a
 * reference for as long as they like.
 *
 * <p><b>A kept reference falls forward.</b> A {@code Model} is a handle on the model name, not on one
 * version: each call uses the version that is live at the moment the call starts, so a reference kept
 * across a swap serves the new version from then on and never touches a version that has been retired.
 * Accessors such as {@link #version()} describe the live version at the moment they are called; two calls
 * may describe different versions if a swap happened in between. Code that needs several calls to see one
 * version (to report which version produced a prediction, or to use the framework object) takes a {@link
 * #lease()}.
 *
 * <p>Calls never block and never fail because of a swap: each prediction holds a lease on its version for
 * its own duration, and a retired version is closed only after every call that started on it has returned.
 */
public interface Model extends ModelView {

  /**
   * Pins the live version until the lease is closed: use in try-with-resources. While the lease is open
   * its version is not closed, even if it is retired; hold it only as long as one unit of work.
   */
  Lease lease();

  /**
   * This model as seen by one unit (a user, a device, a session): while the model has a canary, the unit's
   * calls go to it when the unit's bucket ({@code murmur3_x86_32("<group>:<unit id>") % 100 + 1}, as every
   * Unleash SDK computes it) is at most the canary's percent, else to the stable version, so a unit always
   * sees the same version and raising the percent only moves units to the canary. Without a canary it is the
   * model itself. Calls on the model without a unit draw at random for each call instead.
   *
   * <pre>{@code
   * float[] p = registry.current("rec_model").forUnit(userId).predict(row);
   * }</pre>
   */
  Model forUnit(String unitId);
}
