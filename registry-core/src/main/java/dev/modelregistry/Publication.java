package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What to publish as a new version: the model files, and optionally the format, metrics, feature names
 * and training information. Built with {@link #builder()}. Immutable.
 *
 * <pre>{@code
 * Publication.builder()
 *     .file(Path.of("out/model.ubj"))
 *     .metrics(Map.of("accuracy", 0.738, "roc_auc", 0.812))
 *     .features(List.of("home_win_pct", "away_win_pct", "run_rate"))
 *     .training(Map.of("rows", 18234, "git_sha", "4f1c2e9"))
 *     .build();
 * }</pre>
 */
public final class Publication {

  private final Map<String, Content> files;
  private final @Nullable String format;
  private final @Nullable Map<String, Double> metrics;
  private final @Nullable List<String> features;
  private final Map<String, Object> training;
  private final Map<String, FeatureReference> reference;

  private Publication(Builder builder) {
    this.files = Collections.unmodifiableMap(new LinkedHashMap<>(builder.files));
    this.format = builder.format;
    this.metrics = builder.metrics == null ? null : Map.copyOf(builder.metrics);
    this.features = builder.features == null ? null : List.copyOf(builder.features);
    this.training = Map.copyOf(builder.training);
    this.reference = builder.referenceRows == null ? Map.of() : references(builder);
  }

  private static Map<String, FeatureReference> references(Builder builder) {
    float[][] rows = builder.referenceRows;
    if (builder.features == null) {
      throw new IllegalStateException("reference(rows) needs features(...): the reference is kept by feature name");
    }
    List<String> names = builder.features;
    Map<String, FeatureReference> out = new LinkedHashMap<>();
    for (int f = 0; f < names.size(); f++) {
      float[] column = new float[rows.length];
      for (int r = 0; r < rows.length; r++) {
        if (rows[r].length != names.size()) {
          throw new IllegalArgumentException("reference row " + r + " has " + rows[r].length + " values but "
              + names.size() + " features are declared");
        }
        column[r] = rows[r][f];
      }
      out.put(names.get(f), FeatureReference.of(column, builder.referenceBins));
    }
    return out;
  }

  /** The training features' distributions for input drift, by feature name, if {@code reference} was given. */
  public Map<String, FeatureReference> reference() {
    return reference;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The files by name, in the order they were added. */
  public Map<String, Content> files() {
    return files;
  }

  /** The format, if given; otherwise the publisher infers it from the file names. */
  public @Nullable String format() {
    return format;
  }

  /** The metrics to write as {@code metrics.json}, if given. */
  public @Nullable Map<String, Double> metrics() {
    return metrics;
  }

  /** The feature names to write as {@code schema.json}, if given. */
  public @Nullable List<String> features() {
    return features;
  }

  /** Free-form training information for the manifest. */
  public Map<String, Object> training() {
    return training;
  }

  /**
   * The content of one file: a path on disk or bytes in memory.
   *
   * @param path the file, or null
   * @param bytes the bytes, or null
   */
  public record Content(@Nullable Path path, byte @Nullable [] bytes) {}

  /** Builds a {@link Publication}. Not thread-safe. */
  public static final class Builder {

    private final Map<String, Content> files = new LinkedHashMap<>();
    private @Nullable String format;
    private @Nullable Map<String, Double> metrics;
    private @Nullable List<String> features;
    private final Map<String, Object> training = new LinkedHashMap<>();
    private float @Nullable [][] referenceRows;
    private int referenceBins = 10;

    private Builder() {}

    /** Adds a file under its own name. */
    public Builder file(Path path) {
      requireNonNull(path, "path");
      return file(String.valueOf(path.getFileName()), path);
    }

    /** Adds a file under {@code name}. */
    public Builder file(String name, Path path) {
      requireNonNull(path, "path");
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("file " + path + " does not exist or is not a regular file");
      }
      return add(name, new Content(path, null));
    }

    /** Adds a file with the given content. */
    public Builder file(String name, byte[] content) {
      requireNonNull(content, "content");
      return add(name, new Content(null, content.clone()));
    }

    /** The format to record in the manifest ({@code xgboost}, {@code onnx}, {@code linear}, …). */
    public Builder format(String format) {
      requireNonNull(format, "format");
      if (format.isBlank()) {
        throw new IllegalArgumentException("format must not be blank");
      }
      this.format = format;
      return this;
    }

    /** Training metrics, written as {@code metrics.json} and copied into the manifest. */
    public Builder metrics(Map<String, ? extends Number> metrics) {
      requireNonNull(metrics, "metrics");
      Map<String, Double> copy = new LinkedHashMap<>();
      metrics.forEach((k, v) -> copy.put(requireNonNull(k, "metric name"), requireNonNull(v, k).doubleValue()));
      this.metrics = copy;
      return this;
    }

    /** Ordered feature names, written as {@code schema.json} and copied into the manifest. */
    public Builder features(List<String> features) {
      requireNonNull(features, "features");
      if (features.stream().distinct().count() != features.size()) {
        throw new IllegalArgumentException("features list a name twice: " + features);
      }
      this.features = List.copyOf(features);
      return this;
    }

    /** Adds free-form training information to the manifest (data range, row count, code revision). */
    public Builder training(Map<String, ?> training) {
      requireNonNull(training, "training");
      training.forEach((k, v) -> this.training.put(requireNonNull(k, "key"), requireNonNull(v, k)));
      return this;
    }

    /**
     * Records the distribution of each feature over {@code rows} (the training rows, in schema order) in the
     * manifest, as quantile bins, so registries can measure how far served inputs drift from them (PSI and
     * Jensen-Shannon distance). Needs {@link #features}. Uses 10 bins.
     */
    public Builder reference(float[][] rows) {
      return reference(rows, 10);
    }

    /** As {@link #reference(float[][])}, with at most {@code bins} bins per feature (2 to 30). */
    public Builder reference(float[][] rows, int bins) {
      requireNonNull(rows, "rows");
      if (rows.length == 0) {
        throw new IllegalArgumentException("reference rows must not be empty");
      }
      if (bins < 2 || bins > FeatureReference.MAX_BINS) {
        throw new IllegalArgumentException("bins must be in [2, " + FeatureReference.MAX_BINS + "] but was " + bins);
      }
      this.referenceRows = rows.clone();
      this.referenceBins = bins;
      return this;
    }

    /** Builds; at least one file is required. */
    public Publication build() {
      if (referenceRows != null && features == null) {
        throw new IllegalStateException("reference(rows) needs features(...): the reference is kept by feature name");
      }
      if (files.isEmpty()) {
        throw new IllegalStateException("a publication needs at least one file");
      }
      return new Publication(this);
    }

    private Builder add(String name, Content content) {
      Names.requireFileName(name);
      if (Names.isPickle(name)) {
        throw new IllegalArgumentException(Names.pickleRefusal(name));
      }
      if (name.equals("manifest.json") || name.equals("latest.json")) {
        throw new IllegalArgumentException(name + " is written by the publisher; do not add it as a file");
      }
      if (files.putIfAbsent(name, content) != null) {
        throw new IllegalArgumentException("file " + name + " is added twice");
      }
      return this;
    }
  }
}
