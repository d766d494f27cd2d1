package dev.modelregistry.internal;

import dev.modelregistry.ModelSource;
import dev.modelregistry.StorageException;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Turns a version id into a loaded, validated, warmed-up version, off the caller's thread and within the load
 * timeout: fetch into the local cache (download, verify, rename into place), load with the format's loader,
 * check against the schema, warm up. A version that fails any step is closed and never returned; a version
 * that finishes after its deadline is closed too. Thread-safe.
 */
final class LoadPipeline {

  private final RegistryContext ctx;
  private final @Nullable QualityMonitor quality;

  LoadPipeline(RegistryContext ctx, @Nullable QualityMonitor quality) {
    this.ctx = ctx;
    this.quality = quality;
  }

  /** Fetches {@code version} from {@code reader} (through the cache) and loads it. */
  CompletableFuture<LoadedVersion> fromStore(String model, StoreReader reader, VersionId version, Runnable finished) {
    return ctx.tasks().submit("loading model " + model + " " + version + " from " + reader.store().description(),
        () -> {
          long start = ctx.ticker().read();
          LocalCache.CachedVersion cached = ctx.cache().fetch(
              reader, model, version, LocalCache.Namespace.STORE, ctx.config().requireManifest());
          return load(cached, ModelSource.STORE, start);
        },
        LoadedVersion::closeOnce, finished);
  }

  /** Loads the intact cached copy of {@code version}; fails if the cache has none. */
  CompletableFuture<LoadedVersion> fromCache(String model, VersionId version, Runnable finished) {
    return ctx.tasks().submit("loading model " + model + " " + version + " from the local cache",
        () -> {
          long start = ctx.ticker().read();
          LocalCache.CachedVersion cached = ctx.cache()
              .cached(model, version, LocalCache.Namespace.STORE, ctx.config().requireManifest())
              .orElseThrow(() -> new IllegalStateException("no intact copy of " + version));
          return load(cached, ModelSource.CACHE, start);
        },
        LoadedVersion::closeOnce, finished);
  }

  /** Loads the bundled version: the one the fallback's pointer names, else its newest complete one. */
  CompletableFuture<LoadedVersion> fromBundle(String model, StoreReader fallback, Runnable finished) {
    return ctx.tasks().submit("loading model " + model + " from " + fallback.store().description(),
        () -> {
          long start = ctx.ticker().read();
          StoreReader.PointerRead read = fallback.readPointer(model, null);
          if (read.malformed() != null) {
            throw new StorageException(read.malformed(), model, null);
          }
          VersionId version = read.pointer() != null ? read.pointer().version() : newestUsable(model, fallback);
          LocalCache.CachedVersion cached = ctx.cache().fetch(
              fallback, model, version, LocalCache.Namespace.BUNDLED, ctx.config().requireManifest());
          return load(cached, ModelSource.BUNDLED, start);
        },
        LoadedVersion::closeOnce, finished);
  }

  private LoadedVersion load(LocalCache.CachedVersion cached, ModelSource source, long startNanos) {
    LoadedVersion loaded = ctx.loader().load(cached, source);
    if (quality != null) {
      loaded.sampler = quality.samplerFor(loaded);
    }
    ctx.events().loaded(cached.model(), cached.version().value(), source,
        Duration.ofNanos(ctx.ticker().read() - startNanos), cached.bytesDownloaded());
    return loaded;
  }

  private static VersionId newestUsable(String model, StoreReader reader) throws IOException {
    List<VersionId> versions = reader.versions(model);
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (reader.describe(model, versions.get(i)).state() != VersionInfo.State.INCOMPLETE) {
        return versions.get(i);
      }
    }
    String problem = "no " + StorageFormat.POINTER + " and no usable version folder under " + reader.where(model)
        + "/";
    if (versions.isEmpty()) {
      throw new Absent(model + ": " + problem);
    }
    throw new StorageException(problem, model, null);
  }

  /**
   * A fallback source that was read and has no pointer and no version of the model at all: a definite
   * absence, told apart from a source that failed (a {@link StorageException}).
   */
  static final class Absent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Absent(String message) {
      super(message, null, false, false);
    }
  }
}
