package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An experiment across models, stored as {@code <root>/_experiments/<name>.json}: each unit (a user, a
 * device) is assigned to one variant, stickily, and each variant is served by one model. Immutable.
 *
 * <pre>{@code
 * {"name": "rec_algorithm_v1", "salt": "rec_algorithm_v1", "enabled": true,
 *  "variants": [{"name": "control", "model": "rec_control", "weight": 25},
 *               {"name": "collaborative_filtering", "model": "rec_cf", "weight": 25},
 *               {"name": "content_based", "model": "rec_content", "weight": 25},
 *               {"name": "hybrid", "model": "rec_hybrid", "weight": 25}]}
 * }</pre>
 *
 * <p>A unit's variant is Unleash's: with {@code n} the total weight, the target {@code
 * murmur3_x86_32("<salt>:<unit id>", seed 86028157) % n + 1} picks the first variant whose running total
 * of weights reaches it, so a service using an Unleash SDK with the same group id and weights assigns every
 * user to the same variant. A disabled experiment assigns every unit to the first variant.
 *
 * @param name the experiment's name, which names its file: a model-name-like id
 * @param salt the bucketing group; null means the name
 * @param enabled whether units are spread over the variants (else all get the first)
 * @param variants at least one; names unique; weights at least 0 and not all 0
 */
public record ExperimentDefinition(String name, @Nullable String salt, boolean enabled, List<Variant> variants) {

  /** The most variants an experiment may have. */
  public static final int MAX_VARIANTS = 1000;

  /** Checks and copies. */
  public ExperimentDefinition {
    Names.requireModelName(name);
    variants = List.copyOf(variants);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("experiment " + name + " has no variants");
    }
    if (variants.size() > MAX_VARIANTS) {
      throw new IllegalArgumentException("experiment " + name + " has " + variants.size() + " variants, more than the "
          + MAX_VARIANTS + " this library accepts");
    }
    Set<String> names = new HashSet<>();
    long total = 0;
    for (Variant v : variants) {
      if (!names.add(v.name())) {
        throw new IllegalArgumentException("experiment " + name + " lists the variant " + Names.quote(v.name()) + " twice");
      }
      total += v.weight();
    }
    if (total <= 0 || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("experiment " + name + ": the variants' weights must add up to between 1 and "
          + Integer.MAX_VALUE + " but add up to " + total);
    }
  }

  /** The bucketing group: the salt, else the name. */
  public String group() {
    return salt != null ? salt : name;
  }

  /** The sum of the weights. */
  public int totalWeight() {
    return variants.stream().mapToInt(Variant::weight).sum();
  }

  /**
   * One variant.
   *
   * @param name its name, reported with each assignment
   * @param model the model that serves it (declared in the registry)
   * @param weight its share, relative to the other variants' weights; 0 gives it no unit
   */
  public record Variant(String name, String model, int weight) {

    /** Checks. */
    public Variant {
      requireNonNull(name, "name");
      if (name.isBlank() || name.length() > 128) {
        throw new IllegalArgumentException("variant name " + Names.quote(name) + " must be 1 to 128 characters");
      }
      Names.requireModelName(model);
      if (weight < 0) {
        throw new IllegalArgumentException("variant " + name + " has the negative weight " + weight);
      }
    }
  }
}
