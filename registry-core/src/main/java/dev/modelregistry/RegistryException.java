package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/**
 * The root of the exceptions this library throws for its own failures (argument and state errors use
 * the JDK's types). Each subclass carries the model, and where it applies the version, it concerns.
 */
public class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String model;
  private final @Nullable String version;

  /** Creates an exception about {@code model} and {@code version}, either of which may be unknown. */
  protected RegistryException(
      String message, @Nullable String model, @Nullable String version, @Nullable Throwable cause) {
    super(message, cause);
    this.model = model;
    this.version = version;
  }

  /** The model concerned, if known. */
  public @Nullable String model() {
    return model;
  }

  /** The version concerned, if known. */
  public @Nullable String version() {
    return version;
  }
}
