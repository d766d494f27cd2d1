package dev.modelregistry.internal;

import dev.modelregistry.ModelSource;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the store says (the pointer, with its canary and shadow) and what the host says (a local pin)
 * into the one immutable state a model should serve. Stateless. The controller compares it with the
 * routing snapshot being served and loads only the versions that differ.
 */
final class Resolver {

  private Resolver() {}

  /**
   * What should be served. A pin serves the pinned version alone: it is an emergency override, so the
   * pointer's canary and shadow are set aside until it is lifted.
   *
   * @return null when neither says anything (no pointer read yet, or it was refused)
   */
  static @Nullable Desired resolve(@Nullable Pointer pointer, @Nullable VersionId pinned) {
    if (pinned != null) {
      return new Desired(pinned, null, null, true);
    }
    return pointer == null ? null : new Desired(pointer.version(), pointer.canary(), pointer.shadow(), false);
  }

  /**
   * A desired state.
   *
   * @param stable the version that should serve calls
   * @param canary the canary that should share them, or null
   * @param shadow the shadow that should get a sample of them, or null
   * @param pinned whether a local pin decided it, rather than the store
   */
  record Desired(VersionId stable, Pointer.@Nullable Canary canary, Pointer.@Nullable Shadow shadow, boolean pinned) {

    /** The versions it names, stable first. */
    List<VersionId> versions() {
      List<VersionId> all = new ArrayList<>(3);
      all.add(stable);
      if (canary != null && !all.contains(canary.version())) {
        all.add(canary.version());
      }
      if (shadow != null && !all.contains(shadow.version())) {
        all.add(shadow.version());
      }
      return all;
    }

    /**
     * Whether {@code routing} serves this state already, from the store: a copy from the cache or the bundle
     * that a fallback put in place is replaced by the store's once the store can give it.
     */
    boolean isServedBy(@Nullable Routing routing) {
      if (routing == null || !fromStore(routing.stable(), stable)) {
        return false;
      }
      Routing.CanaryArm arm = routing.canary();
      boolean canaryServed = canary == null
          ? arm == null
          : arm != null && fromStore(arm.version(), canary.version()) && arm.percent() == canary.percent()
              && arm.prefix().group.equals(group(canary, arm.version().model));
      Routing.ShadowArm shadowArm = routing.shadow();
      boolean shadowServed = shadow == null
          ? shadowArm == null
          : shadowArm != null && fromStore(shadowArm.version(), shadow.version()) && shadowArm.sample() == shadow.sample();
      return canaryServed && shadowServed;
    }

    private static boolean fromStore(LoadedVersion loaded, VersionId version) {
      return loaded.version.equals(version) && loaded.source == ModelSource.STORE;
    }
  }

  /** The bucketing group of a canary: its own, else the model name. */
  static String group(Pointer.Canary canary, String model) {
    return Objects.requireNonNullElse(canary.group(), model);
  }
}
