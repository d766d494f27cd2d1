package dev.modelregistry.internal;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.VersionId;
import dev.modelregistry.spi.Predictor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Drives the registry's swap primitive directly, for benchmarks that swap far faster than a store could
 * publish: one volatile write of a new version object, and the old one handed to the reaper, which closes it
 * once its calls have returned. This is exactly what a reload ends with; the download, verification and
 * loading that come before it run off the read path and are not part of what readers pay. Not thread-safe:
 * one writer.
 */
public final class SwapDriver {

  private static final VersionId ODD = VersionId.of("v1");
  private static final VersionId EVEN = VersionId.of("v2");

  private final ModelHandle handle;
  private final Retirement retirement;
  private final String model;
  private long swaps;

  private SwapDriver(ModelHandle handle, String model) {
    this.handle = handle;
    this.retirement = handle.retirement();
    this.model = model;
  }

  /** A driver for {@code model} of {@code registry}, which must have been built by this library. */
  public static SwapDriver of(ModelRegistry registry, String model) {
    return new SwapDriver((ModelHandle) registry.current(model), model);
  }

  /** Makes a new version serving {@code predictor} live and retires the previous one. */
  public void swap(Predictor predictor) {
    swaps++;
    LoadedVersion next = new LoadedVersion(model, (swaps & 1) == 0 ? EVEN : ODD, ModelSource.STORE, predictor,
        List.of(), Map.of(), null, Path.of("."), Instant.EPOCH, false);
    Routing previous = handle.swap(new Routing(next));
    if (previous != null) {
      retirement.retire(previous.stable());
    }
  }

  /** Swaps performed. */
  public long swaps() {
    return swaps;
  }
}
