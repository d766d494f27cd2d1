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
}
