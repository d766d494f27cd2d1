package dev.modelregistry;

import java.util.Map;

/**
 * A running experiment of a registry ({@link ModelRegistry#experiment(String)}): assigns units to variants
 * and gives the model of each. Thread-safe; follows changes of the experiment's file in the store.
 */
public interface Experiment {

  /** The experiment's name. */
  String name();

  /** The definition in force (from the store's file, as last read). */
  ExperimentDefinition definition();

  /**
   * The variant of {@code unitId} and the model that serves it; the same unit always gets the same variant
   * while the definition does not change. Counts the assignment. Allocates nothing.
   */
  Assignment forUnit(String unitId);

  /** How many assignments each variant has had since the registry started, by variant name. */
  Map<String, Long> assignments();

  /**
   * One unit's assignment.
   *
   * @param experiment the experiment
   * @param variant the variant's name
   * @param model the model that serves the variant (a handle that follows swaps)
   */
  record Assignment(String experiment, String variant, Model model) {}
}
