package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Counts of the discovered models a registry loads on first use and evicts (see {@link ModelDiscovery}):
 * cumulative since the registry was built, but for {@link #weightBytes()} and {@link #loaded()}, which are
 * the state now. All zero for a registry without discovery. Immutable.
 *
 * @param hits calls to {@link ModelRegistry#current(String)} that found the model loaded (or loading). An
 *     estimate: once a model's load has completed, its first 16 hits are counted one by one, and later ones
 *     on a sample, one call in 16 of each thread (16 at a time), which keeps a shared counter off the read
 *     path; over thousands of calls the estimate is within a few percent
 * @param misses calls that had to start a load
 * @param loads loads that succeeded
 * @param loadFailures loads that failed (no source had the model, or it could not be loaded)
 * @param loadTime the total time of the loads, successful or not
 * @param evictions models evicted to stay within the bounds, or after the idle time
 * @param weightBytes the total weight of the discovered models loaded now, as the bound counts it: what each
 *     loader estimates its model holds in memory, else the bytes of its files, rounded up to whole KiB; pinned
 *     models weigh nothing
 * @param loaded how many discovered models are loaded now (declared ones are not counted)
 * @param rememberedMisses calls answered from the remembered names no source has ({@link
 *     ModelRegistry.Builder#missingModelTtl}), without asking the sources again
 */
public record LoadedModelsStats(
    long hits, long misses, long loads, long loadFailures, Duration loadTime, long evictions, long weightBytes,
    long loaded, long rememberedMisses) {

  /** Checks. */
  public LoadedModelsStats {
    requireNonNull(loadTime, "loadTime");
  }

  /** Hits over calls, or 1 when there were none. */
  public double hitRate() {
    long calls = hits + misses;
    return calls == 0 ? 1.0 : (double) hits / calls;
  }
}
