package dev.modelregistry.internal;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * The content of the store's change feed, {@code <root>/_changes.json}: a generation, bumped by every write,
 * and the sequence of each model's pointer and each experiment's file as of that generation. Immutable.
 *
 * @param generation how many times the feed was written
 * @param models each model's pointer sequence
 * @param experiments each experiment file's sequence
 */
public record Changes(long generation, Map<String, Long> models, Map<String, Long> experiments) {

  /** The feed before anything was written. */
  public static final Changes EMPTY = new Changes(0, Map.of(), Map.of());

  /** Copies. */
  public Changes {
    requireNonNull(models, "models");
    requireNonNull(experiments, "experiments");
    models = Map.copyOf(models);
    experiments = Map.copyOf(experiments);
  }

  /** The sequence the feed holds for {@code model}, or 0 when it has none. */
  public long model(String model) {
    Long sequence = models.get(model);
    return sequence == null ? 0 : sequence;
  }

  /** The sequence the feed holds for experiment {@code name}, or 0 when it has none. */
  public long experiment(String name) {
    Long sequence = experiments.get(name);
    return sequence == null ? 0 : sequence;
  }

  /** This feed after a pointer move of {@code model} to {@code sequence}: one generation later. */
  public Changes withModel(String model, long sequence) {
    Map<String, Long> next = new HashMap<>(models);
    next.merge(model, sequence, Math::max);
    return new Changes(generation + 1, next, experiments);
  }

  /** This feed after a write of experiment {@code name} with {@code sequence}: one generation later. */
  public Changes withExperiment(String name, long sequence) {
    Map<String, Long> next = new HashMap<>(experiments);
    next.merge(name, sequence, Math::max);
    return new Changes(generation + 1, models, next);
  }
}
