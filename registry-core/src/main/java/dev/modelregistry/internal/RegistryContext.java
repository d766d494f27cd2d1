package dev.modelregistry.internal;

import java.util.concurrent.Executor;
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
 * @param scheduler polls, reaper and lease checks
 * @param loaderExecutor downloads and loads
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
    Executor loaderExecutor) {}
