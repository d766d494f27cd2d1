package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/**
 * A publish, promote or roll back that did not happen: the pointer kept moving under too many retries,
 * the version is incomplete, or there is nothing to roll back to. Nothing was overwritten.
 */
public class PublishException extends RegistryException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public PublishException(
      String message, String model, @Nullable String version, @Nullable Throwable cause) {
    super(message, model, version, cause);
  }
}
