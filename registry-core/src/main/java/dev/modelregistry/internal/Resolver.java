package dev.modelregistry.internal;

import dev.modelregistry.VersionId;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the store says (the pointer) and what the host says (a local pin) into the one immutable state
 * a model should serve. Stateless. Routing arms that the store will name beside the stable version (a
 * canary, a shadow) are resolved here too, so the controller compares one desired state with what is
 * served and loads the difference.
 */
final class Resolver {

  private Resolver() {}

  /**
   * What should be served: the pinned version if there is a pin, else the version the pointer names.
   *
   * @return null when neither says anything (no pointer read yet, or it was refused)
   */
  static @Nullable Desired resolve(@Nullable VersionId pointerVersion, @Nullable VersionId pinned) {
    if (pinned != null) {
      return new Desired(pinned, true);
    }
    return pointerVersion == null ? null : new Desired(pointerVersion, false);
  }

  /**
   * A desired state.
   *
   * @param stable the version that should serve calls
   * @param pinned whether a local pin decided it, rather than the store
   */
  record Desired(VersionId stable, boolean pinned) {

    /**
     * Whether {@code routing} serves this state already, from the store: a copy from the cache or the bundle
     * that a fallback put in place is replaced by the store's once the store can give it.
     */
    boolean isServedBy(@Nullable Routing routing) {
      return routing != null && routing.stable().version.equals(stable)
          && routing.stable().source == dev.modelregistry.ModelSource.STORE;
    }
  }
}
