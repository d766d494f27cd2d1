package dev.modelregistry.trees;

/**
 * A well-formed model that uses a feature the pure-Java evaluator does not implement (a categorical split, a
 * linear booster, an objective, a multi-target tree): the model is refused rather than evaluated differently
 * from its native library. The message names the model file and the feature. Immutable and thread-safe.
 */
public final class UnsupportedModelException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}, which names the model file and what is not supported. */
  public UnsupportedModelException(String message) {
    super(message);
  }
}
