package dev.modelregistry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What can be asked of a served model: its identity, its metadata and predictions. See {@link Model} (the
 * live model, which follows swaps) and {@link Lease} (one version, held for a scope).
 *
 * <p>Predictions check their input: a row of the wrong length, or a named feature that is missing or
 * unknown, is an {@link IllegalArgumentException} that names the feature, the model and the version.
 */
public interface ModelView {

  /** The model name. */
  String name();

  /** The version id, for example {@code v3}. */
  String version();

  /** Where the version came from. */
  ModelSource source();

  /** The ordered feature names from the version's {@code schema.json}, or empty if it has none. */
  List<String> features();

  /** The training metrics from the version's {@code metrics.json}, or empty. */
  Map<String, Double> metrics();

  /** The version's manifest, or empty for a version published without one. */
  Optional<Manifest> manifest();

  /**
   * Predicts one row.
   *
   * @param features the feature values in schema order
   * @return the model's outputs (one value for a regression or a binary probability, one per class for a
   *     multi-class model); a new array the caller owns
   */
  float[] predict(float[] features);

  /** Predicts several rows with one call into the model. */
  float[][] predict(float[][] rows);

  /**
   * Predicts one row given by feature name, ordered by the version's {@code schema.json}.
   *
   * @throws IllegalArgumentException if a feature of the schema is missing, a name is not in the schema,
   *     or the version has no schema
   */
  float[] predict(Map<String, ? extends Number> features);
}
