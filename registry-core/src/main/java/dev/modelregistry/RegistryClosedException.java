package dev.modelregistry;

/** The registry was closed; its models can no longer be used. */
public final class RegistryClosedException extends RegistryException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception for {@code model}. */
  public RegistryClosedException(String model) {
    super("model registry is closed; model " + model + " can no longer be used", model, null, null);
  }

  private RegistryClosedException() {
    super("model registry is closed; build a new one to poll, pin or refresh", null, null, null);
  }

  /** The registry is closed, for an operation on all its models. */
  public static RegistryClosedException ofRegistry() {
    return new RegistryClosedException();
  }
}
