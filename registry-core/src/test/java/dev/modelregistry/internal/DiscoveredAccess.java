package dev.modelregistry.internal;

/** Test access to the discovered models' hit sampling. */
public final class DiscoveredAccess {
  private DiscoveredAccess() {}

  /** Whether a thread's {@code count}th hit past the exact ones is told to Caffeine. */
  public static boolean sampled(int count) {
    return DiscoveredModels.sampled(count);
  }
}
