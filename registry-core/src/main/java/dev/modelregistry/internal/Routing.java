package dev.modelregistry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What one model serves, as one immutable value: the stable version, and optionally a canary that takes a
 * share of the calls and a shadow that gets a sample of their inputs. The serving slot ({@link ModelHandle})
 * holds one; readers take it with one volatile read and route inside it; every change, a new percent
 * included, is the write of a new one.
 *
 * @param stable the version the pointer names
 * @param canary the canary arm, or null
 * @param shadow the shadow arm, or null
 */
record Routing(LoadedVersion stable, @Nullable CanaryArm canary, @Nullable ShadowArm shadow) {

  /** A snapshot with the stable version only. */
  Routing(LoadedVersion stable) {
    this(stable, null, null);
  }

  /** Every version this snapshot names; a swap retires the versions of the old snapshot not in the new. */
  List<LoadedVersion> versions() {
    List<LoadedVersion> all = new ArrayList<>(3);
    all.add(stable);
    if (canary != null) {
      all.add(canary.version());
    }
    if (shadow != null) {
      all.add(shadow.version());
    }
    return all;
  }

  /** Whether this snapshot names {@code version} (the same loaded object) in any arm. */
  boolean names(LoadedVersion version) {
    return stable == version || (canary != null && canary.version() == version)
        || (shadow != null && shadow.version() == version);
  }

  /** The version a call without a unit id uses: the canary for its share of random draws. */
  LoadedVersion pick() {
    CanaryArm c = canary;
    if (c == null || !(ThreadLocalRandom.current().nextDouble() * 100 < c.percent())) {
      return stable;
    }
    return c.version();
  }

  /**
   * A canary arm.
   *
   * @param version the canary version
   * @param percent its share, 0 to 100
   * @param prefix the bucketing hash state of its group
   */
  record CanaryArm(LoadedVersion version, double percent, Buckets.Prefix prefix) {

    /** Whether a unit goes to the canary: its Unleash bucket (1 to 100) is at most the percent. */
    boolean takes(String unit) {
      return percent > 0 && Buckets.percentBucket(prefix, unit) <= percent;
    }
  }

  /**
   * A shadow arm.
   *
   * @param version the shadow version
   * @param sample the fraction of calls it gets
   * @param stats the running comparison with the stable version
   */
  record ShadowArm(LoadedVersion version, double sample, ShadowStats stats) {

    /** Whether this call is one of the sample. */
    boolean sampled() {
      return sample >= 1 || (sample > 0 && ThreadLocalRandom.current().nextDouble() < sample);
    }
  }
}
