package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.function.Predicate;

/**
 * Which models a registry may serve without declaring them: every model of the store, the models whose name
 * starts with a prefix, or those a predicate accepts. Such a model is loaded the first time {@link
 * ModelRegistry#current(String)} asks for it, and may be evicted again when the registry is bounded
 * ({@link ModelRegistry.Builder#maximumWeightBytes(long)}, {@link ModelRegistry.Builder#maximumModels(long)}).
 * Immutable and thread-safe, if the predicate given to {@link #matching} is.
 *
 * <pre>{@code
 * ModelRegistry.builder().store(store).discover(ModelDiscovery.prefix("dish_")).maximumModels(200).build();
 * }</pre>
 */
public final class ModelDiscovery {

  private final Predicate<String> accepts;
  private final String description;

  private ModelDiscovery(Predicate<String> accepts, String description) {
    this.accepts = accepts;
    this.description = description;
  }

  /** Every model of the store. */
  public static ModelDiscovery all() {
    return new ModelDiscovery(name -> true, "every model of the store");
  }

  /** The models whose name starts with {@code prefix}, for example {@code dish_}. */
  public static ModelDiscovery prefix(String prefix) {
    requireNonNull(prefix, "prefix");
    if (prefix.isEmpty() || !Names.isModelName(prefix + "0")) {
      throw new IllegalArgumentException("prefix must start a valid model name (lower-case letters, digits,"
          + " '_', '.', '-'; first a letter or digit) but was " + Names.quote(prefix));
    }
    return new ModelDiscovery(name -> name.startsWith(prefix), "models named " + prefix + "*");
  }

  /**
   * The models whose name {@code predicate} accepts. The predicate is called on the caller's thread of
   * {@link ModelRegistry#current(String)}, only for valid model names; it must be fast and must not throw.
   */
  public static ModelDiscovery matching(Predicate<String> predicate) {
    requireNonNull(predicate, "predicate");
    return new ModelDiscovery(predicate, "models accepted by " + predicate);
  }

  /** Whether {@code name} is a valid model name this discovery accepts. */
  public boolean accepts(String name) {
    return Names.isModelName(name) && accepts.test(name);
  }

  @Override
  public String toString() {
    return description;
  }
}
