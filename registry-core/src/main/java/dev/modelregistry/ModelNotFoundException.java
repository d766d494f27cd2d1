package dev.modelregistry;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** A model that the registry does not know, or that no source could provide. */
public final class ModelNotFoundException extends RegistryException {

  private static final long serialVersionUID = 1L;

  private final List<String> attempts;

  private ModelNotFoundException(String message, String model, List<String> attempts) {
    super(message, model, null, null);
    this.attempts = List.copyOf(attempts);
  }

  /** {@code model} was not declared when the registry was built. */
  public static ModelNotFoundException notDeclared(String model, Collection<String> declared) {
    return new ModelNotFoundException(
        "model " + model + " is not declared in this registry (declared: "
            + (declared.isEmpty() ? "none" : String.join(", ", declared.stream().sorted().toList()))
            + "); declare it with ModelRegistry.builder().model(\"" + model + "\")",
        model,
        List.of());
  }

  /** {@code model} is neither declared nor accepted by the registry's discovery. */
  public static ModelNotFoundException notServed(String model, Collection<String> declared, String discovery) {
    return new ModelNotFoundException(
        "model " + model + " is not declared in this registry (declared: "
            + (declared.isEmpty() ? "none" : String.join(", ", declared.stream().sorted().toList()))
            + ") and its discovery (" + discovery + ") does not accept the name " + Names.quote(model),
        model,
        List.of());
  }

  /** The first load of {@code model} did not end within {@code timeout}; it goes on in the background. */
  public static ModelNotFoundException notLoadedWithin(String model, java.time.Duration timeout) {
    return new ModelNotFoundException(
        "model " + model + " has no version loaded yet: its first load did not end within the load timeout of "
            + timeout.toMillis() + " ms; it goes on in the background, ask again later",
        model,
        List.of());
  }

  /**
   * {@code model} was evicted, and each of the {@code times} it was loaded again for one call it was evicted
   * again before the call could use it: the model bound is too tight for the models in use.
   */
  public static ModelNotFoundException evictedOnLoad(String model, int times) {
    return new ModelNotFoundException(
        "model " + model + " was evicted again each of the " + times + " times it was loaded for this call; the"
            + " bound on loaded models (maximumModels, maximumWeight) is too tight for the models in use",
        model,
        List.of());
  }

  /** {@code model} is declared but no version of it has been loaded yet. */
  public static ModelNotFoundException notLoaded(String model, String lastFailure) {
    return new ModelNotFoundException(
        "model " + model + " has no version loaded yet (" + lastFailure + "); it is retried on every poll",
        model,
        List.of(lastFailure));
  }

  /** No source had {@code model}; {@code attempts} says what each source answered, in order. */
  public static ModelNotFoundException noSource(String model, List<String> attempts) {
    return new ModelNotFoundException(
        "model " + model + " could not be loaded from any source: "
            + attempts.stream().map(a -> "[" + a + "]").collect(Collectors.joining(" ")),
        model,
        attempts);
  }

  /**
   * No source had {@code model} when it was last asked, at most {@code remembered} ago, and the name is
   * remembered: the sources were not asked again.
   */
  public static ModelNotFoundException noSourceRemembered(String model, List<String> attempts,
      java.time.Duration remembered) {
    return new ModelNotFoundException(
        noSource(model, attempts).getMessage() + "; this answer is remembered for up to " + remembered.toMillis()
            + " ms, or until the change feed shows the model published",
        model,
        attempts);
  }

  /** What each source answered, in the order they were tried (store, cache, bundled). */
  public List<String> attempts() {
    return attempts;
  }
}
