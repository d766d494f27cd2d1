package dev.modelregistry.internal;

import dev.modelregistry.Ticker;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * What the controllers of one registry share. Immutable; its parts are thread-safe.
 *
 * @param config the settings
 * @param store the store's reader, or null when the registry has only a fallback
 * @param fallback the fallback's reader, or null
 * @param cache the local cache
 * @param loader the version loader
 * @param events the event fan-out
 * @param retirement the reaper
 * @param scheduler times polls, deadlines, the reaper and lease checks
 * @param tasks runs reads and loads on the loader executor, each with a deadline
 * @param shadows runs shadow calls off the callers' threads
 */
record RegistryContext(
    RegistryConfig config,
    @Nullable StoreReader store,
    @Nullable StoreReader fallback,
    LocalCache cache,
    VersionLoader loader,
    Events events,
    Retirement retirement,
    ScheduledExecutorService scheduler,
    TimedTasks tasks,
    ShadowRunner shadows) {

  Ticker ticker() {
    return config.ticker();
  }
}
