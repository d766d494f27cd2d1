package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a store holds for one version of a model, as listed by {@link ModelPublisher#versions(String)}.
 * Immutable.
 *
 * @param model the model name
 * @param version the version id
 * @param state whether the version is complete
 * @param manifest its manifest, when it has one
 * @param files the names of its files (from the manifest, or listed when there is none)
 * @param metrics its training metrics ({@code metrics.json}), or empty
 * @param features its feature names ({@code schema.json}), or empty
 */
public record VersionInfo(
    String model,
    VersionId version,
    State state,
    @Nullable Manifest manifest,
    List<String> files,
    Map<String, Double> metrics,
    List<String> features) {

  /** Checks and copies. */
  public VersionInfo {
    requireNonNull(model, "model");
    requireNonNull(version, "version");
    requireNonNull(state, "state");
    files = List.copyOf(files);
    metrics = Map.copyOf(metrics);
    features = List.copyOf(features);
  }

  /** The completeness of a version folder. */
  public enum State {
    /** Has a manifest: complete, and verified file by file when downloaded. */
    COMPLETE,
    /** Has files but no manifest (published by a plain script): served when promoted, unverified. */
    UNVERIFIED,
    /** Claimed by a publisher that has not written the manifest yet, or that failed: never served. */
    INCOMPLETE
  }
}
