package dev.modelregistry.spi;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.Manifest;
import dev.modelregistry.Names;
import dev.modelregistry.VersionId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The verified files of one version, in the local cache, handed to a {@link ModelLoader}. Immutable.
 *
 * @param model the model name
 * @param version the version id
 * @param directory the local folder holding the files; read-only for loaders
 * @param files the names of the files in {@code directory}
 * @param manifest the version's manifest, or null for a version published without one
 * @param features the feature names from {@code schema.json}, in order, or empty
 * @param metrics the training metrics from {@code metrics.json}, or empty
 */
public record ModelArtifacts(
    String model,
    VersionId version,
    Path directory,
    List<String> files,
    @Nullable Manifest manifest,
    List<String> features,
    Map<String, Double> metrics) {

  /** Checks and copies. */
  public ModelArtifacts {
    requireNonNull(model, "model");
    requireNonNull(version, "version");
    requireNonNull(directory, "directory");
    files = List.copyOf(files);
    features = List.copyOf(features);
    metrics = Map.copyOf(metrics);
  }

  /** Whether the version has a file named {@code name}. */
  public boolean has(String name) {
    return files.contains(name);
  }

  /**
   * The path of one file of the version.
   *
   * @throws IllegalArgumentException if the version has no such file
   */
  public Path file(String name) {
    Names.requireFileName(name);
    if (!files.contains(name)) {
      throw new IllegalArgumentException(
          "model " + model + " " + version + " has no file " + name + " (files: " + files + ")");
    }
    return directory.resolve(name);
  }

  /** The first of {@code names} that the version has. */
  public Optional<String> firstOf(String... names) {
    for (String name : names) {
      if (files.contains(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** The format named by the manifest, if there is one. */
  public Optional<String> manifestFormat() {
    return Optional.ofNullable(manifest).map(Manifest::format);
  }
}
