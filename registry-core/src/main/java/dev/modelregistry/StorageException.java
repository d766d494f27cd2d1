package dev.modelregistry;

import org.jspecify.annotations.Nullable;

/** A store that failed to answer: unreachable, refusing access, or returning something unreadable. */
public final class StorageException extends RegistryException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code model} may be null when the failure is not about one model. */
  public StorageException(String message, @Nullable String model, @Nullable Throwable cause) {
    super(message, model, null, cause);
  }
}
