package dev.modelregistry.internal;

import dev.modelregistry.Manifest;
import dev.modelregistry.ModelSource;
import dev.modelregistry.Names;
import dev.modelregistry.VersionId;
import dev.modelregistry.spi.Predictor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One loaded version of a model: its predictor, metadata and lease counter. Immutable but for its
 * lifecycle flags, and safe to use from many threads.
 *
 * <p>Lifecycle: live (the slot holds it) → retired (swapped out; new calls skip it) → closed (the reaper saw
 * no call in flight and closed the predictor, exactly once).
 */
final class LoadedVersion {

  final String model;
  final VersionId version;
  final ModelSource source;
  final Predictor predictor;
  final List<String> features;
  final Map<String, Double> metrics;
  final @Nullable Manifest manifest;
  final Path directory;
  final Instant loadedAt;
  final LeaseCounter leases = new LeaseCounter();
  final PredictionCounters stats;

  /**
   * Samples this version's inputs for drift, or null; set once by the load pipeline before the version is
   * published (the volatile write of the routing snapshot makes it visible).
   */
  @Nullable InputSampler sampler;

  /**
   * What the version weighs for a memory-bounded registry: the loader's estimate of the memory it holds, else
   * the bytes of its files. Set by the version loader before the version is published; 0 when unknown.
   */
  long weightBytes;

  /** Whether calls are counted and sampled into {@link #stats}. */
  final boolean recordStats;

  /** Per stripe, the busy period last reported as overdue; used by the lease watchdog's thread only. */
  final long[] reportedBusySince = new long[LeaseCounter.STRIPES];

  /** The expected row width, or -1 when neither the schema nor the model says. */
  private final int width;

  private final Map<String, Integer> featureIndex;
  private volatile boolean retired;
  private volatile long retiredAtNanos;
  private final AtomicBoolean closed = new AtomicBoolean();

  LoadedVersion(
      String model,
      VersionId version,
      ModelSource source,
      Predictor predictor,
      List<String> features,
      Map<String, Double> metrics,
      @Nullable Manifest manifest,
      Path directory,
      Instant loadedAt,
      boolean recordStats) {
    this.model = model;
    this.version = version;
    this.source = source;
    this.predictor = predictor;
    this.features = List.copyOf(features);
    this.metrics = Map.copyOf(metrics);
    this.manifest = manifest;
    this.directory = directory;
    this.loadedAt = loadedAt;
    this.recordStats = recordStats;
    this.stats = new PredictionCounters(model, version.value());
    this.width = !features.isEmpty() ? features.size() : predictor.inputWidth().orElse(-1);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      index.put(features.get(i), i);
    }
    this.featureIndex = index; // never modified; HashMap so that a null name is simply unknown
  }

  float[] predict(float[] row) {
    checkWidth(row, -1);
    return predictor.predict(row);
  }

  float[][] predict(float[][] rows) {
    for (int i = 0; i < rows.length; i++) {
      checkWidth(rows[i], i);
    }
    return predictor.predict(rows);
  }

  float[] predict(Map<String, ? extends Number> named) {
    return predictor.predict(toRow(named));
  }

  /** Orders named features by the schema. */
  float[] toRow(Map<String, ? extends Number> named) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException(
          "model " + model + " " + version + " has no schema.json, so features cannot be given by name;"
              + " pass a float[] in the model's feature order");
    }
    float[] row = new float[features.size()];
    int found = 0;
    for (Map.Entry<String, ? extends Number> e : named.entrySet()) {
      Integer i = featureIndex.get(e.getKey());
      if (i == null) {
        throw new IllegalArgumentException(
            "model " + model + " " + version + " has no feature " + Names.quote(e.getKey())
                + " (schema.json lists " + features + ")");
      }
      Number value = e.getValue();
      if (value == null) {
        throw new IllegalArgumentException(
            "model " + model + " " + version + ": feature " + e.getKey() + " is null");
      }
      row[i] = value.floatValue();
      found++;
    }
    if (found != features.size()) {
      for (String feature : features) {
        if (!named.containsKey(feature)) {
          throw new IllegalArgumentException(
              "model " + model + " " + version + ": feature " + feature + " is missing (schema.json lists "
                  + features.size() + " features, " + found + " were given)");
        }
      }
    }
    return row;
  }

  private void checkWidth(float[] row, int rowIndex) {
    if (row == null) {
      throw new IllegalArgumentException("model " + model + " " + version + ": features must not be null");
    }
    if (width >= 0 && row.length != width) {
      throw new IllegalArgumentException(
          "model " + model + " " + version + " expects " + width + " features"
              + (features.isEmpty() ? "" : " (" + String.join(", ", features) + ")") + " but "
              + (rowIndex >= 0 ? "row " + rowIndex + " has " : "got ") + row.length);
    }
  }

  int width() {
    return width;
  }

  boolean isRetired() {
    return retired;
  }

  void retire(long nowNanos) {
    retiredAtNanos = nowNanos;
    retired = true;
  }

  long retiredAtNanos() {
    return retiredAtNanos;
  }

  /** Closes the predictor if no one has; true if this call did. */
  boolean closeOnce() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    predictor.close();
    return true;
  }

  @Override
  public String toString() {
    return model + " " + version + " (" + source.name().toLowerCase(Locale.ROOT) + ")";
  }
}
