package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commit marker of a version, stored as {@code <model>/<version>/manifest.json} and written last by
 * the publisher: a version with a manifest is complete, and every file it lists is checked for size and
 * SHA-256 after download. Immutable.
 *
 * @param manifestVersion the manifest format version, 1
 * @param model the model name; must match the folder the manifest is in
 * @param version the version id; must match the folder the manifest is in
 * @param format the model format, for example {@code xgboost}, {@code onnx} or {@code linear}
 * @param files every file of the version but the manifest itself
 * @param createdAt when the version was published, ISO-8601
 * @param metrics a copy of {@code metrics.json}: numeric training metrics
 * @param features a copy of {@code schema.json}: the ordered feature names, or empty
 * @param training free-form information about the training run
 * @param reference the distributions of the training features, by feature name, for input drift; may be
 *     empty
 */
public record Manifest(
    int manifestVersion,
    String model,
    VersionId version,
    String format,
    List<FileEntry> files,
    String createdAt,
    Map<String, Double> metrics,
    List<String> features,
    Map<String, Object> training,
    Map<String, FeatureReference> reference) {

  /** The only manifest format version this library reads and writes. */
  public static final int CURRENT_VERSION = 1;

  /** Checks and copies. */
  public Manifest {
    if (manifestVersion != CURRENT_VERSION) {
      throw new IllegalArgumentException(
          "manifest_version " + manifestVersion + " is not supported: this library reads version "
              + CURRENT_VERSION);
    }
    Names.requireModelName(model);
    requireNonNull(version, "version");
    requireNonNull(format, "format");
    if (format.isBlank()) {
      throw new IllegalArgumentException("manifest format must not be blank");
    }
    files = List.copyOf(files);
    Set<String> seen = new HashSet<>();
    for (FileEntry file : files) {
      if (!seen.add(file.name())) {
        throw new IllegalArgumentException("manifest lists " + file.name() + " twice");
      }
    }
    requireNonNull(createdAt, "createdAt");
    metrics = Map.copyOf(metrics);
    features = List.copyOf(features);
    training = Map.copyOf(training);
    reference = Map.copyOf(reference);
  }

  /** A manifest without feature references. */
  public Manifest(int manifestVersion, String model, VersionId version, String format, List<FileEntry> files,
      String createdAt, Map<String, Double> metrics, List<String> features, Map<String, Object> training) {
    this(manifestVersion, model, version, format, files, createdAt, metrics, features, training, Map.of());
  }

  /** The entry for {@code name}, if the manifest lists it. */
  public Optional<FileEntry> file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * One file of a version.
   *
   * @param name the file name, one path segment
   * @param size the size in bytes
   * @param sha256 the SHA-256 of the content, 64 lower-case hex digits
   */
  public record FileEntry(String name, long size, String sha256) {

    /** Checks the entry. */
    public FileEntry {
      Names.requireFileName(name);
      if (size < 0) {
        throw new IllegalArgumentException("file " + name + ": size must be >= 0 but was " + size);
      }
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "file " + name + ": sha256 must be 64 lower-case hex digits but was " + Names.quote(sha256));
      }
    }
  }
}
