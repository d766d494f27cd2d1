package dev.modelregistry.internal;

import dev.modelregistry.ModelDiscovery;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.Ticker;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.ModelStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/** The validated settings of a registry, as the builder hands them over. Immutable. */
public record RegistryConfig(
    @Nullable ModelStore store,
    @Nullable ModelStore fallback,
    Path cacheDirectory,
    List<ModelSpec> models,
    List<String> experiments,
    List<ModelLoader> loaders,
    boolean discoverLoaders,
    List<RegistryListener> listeners,
    Duration pollInterval,
    boolean polling,
    double pollJitter,
    Duration maxBackoff,
    Duration leaseWarningAfter,
    boolean captureLeaseStacks,
    Duration closeTimeout,
    int cacheRetention,
    boolean requireManifest,
    boolean recordPredictionStats,
    boolean failFast,
    Clock clock,
    Ticker ticker,
    @Nullable ScheduledExecutorService scheduler,
    @Nullable Executor loaderExecutor,
    int loaderThreads,
    Duration loadTimeout,
    int shadowThreads,
    int shadowQueueCapacity,
    java.util.Map<String, dev.modelregistry.QualityPolicy> quality,
    dev.modelregistry.@Nullable ModelPublisher qualityPublisher,
    Duration qualityInterval,
    @Nullable ModelDiscovery discovery,
    long maximumWeightBytes,
    long maximumModels,
    @Nullable Duration expireAfterAccess,
    boolean changeFeed,
    int fullScanEvery,
    Duration missingModelTtl) {

  /** Copies the lists. */
  public RegistryConfig {
    models = List.copyOf(models);
    experiments = List.copyOf(experiments);
    quality = java.util.Map.copyOf(quality);
    loaders = List.copyOf(loaders);
    listeners = List.copyOf(listeners);
  }
}
