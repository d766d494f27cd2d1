package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/**
 * A version that could not be loaded: missing, incomplete, corrupt, of an unknown format or the wrong
 * schema, or failing its warm-up. Such a version is never served.
 */
public final class ModelLoadException extends RegistryException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; {@code message} should say what is wrong and what to do, the model and version
   * are prefixed.
   */
  public ModelLoadException(String model, String version, String message, @Nullable Throwable cause) {
    super("model " + model + " " + version + ": " + message, model, version, cause);
  }

  /** Creates the exception without a cause. */
  public ModelLoadException(String model, String version, String message) {
    this(model, version, message, null);
  }
}
