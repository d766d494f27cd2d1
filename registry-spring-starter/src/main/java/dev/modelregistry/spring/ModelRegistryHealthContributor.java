package dev.modelregistry.spring;

import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import java.time.Clock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One health indicator per model served (declared, or discovered and loaded now), under the component {@code
 * models}. Thread-safe.
 *
 * <ul>
 *   <li>UP: a version is loaded. A model serving an older version because the newer one failed, or whose
 *       store has not answered for a while, stays UP: it serves; the details show the failure and the
 *       staleness.
 *   <li>DOWN: a required model is not loaded.
 *   <li>UNKNOWN: an optional model is not loaded yet.
 * </ul>
 */
final class ModelRegistryHealthContributor {

  private ModelRegistryHealthContributor() {}

  /**
   * The indicators of the models the registry serves now: its declared models, and the discovered models
   * loaded now, each added when it loads and gone when it is evicted.
   */
  static CompositeHealthContributor of(ModelRegistry registry, Clock clock) {
    return new CompositeHealthContributor() {
      @Override
      public @Nullable HealthContributor getContributor(String name) {
        return registry.models().contains(name) ? indicator(registry, name, clock) : null;
      }

      @Override
      public Stream<HealthContributors.Entry> stream() {
        return registry.models().stream()
            .map(model -> new HealthContributors.Entry(model, indicator(registry, model, clock)));
      }
    };
  }

  private static HealthIndicator indicator(ModelRegistry registry, String model, Clock clock) {
    return () -> {
      try {
        return health(registry, model, clock);
      } catch (ModelNotFoundException e) {
        return Health.unknown().withDetail("evicted", e.getMessage()).build(); // evicted since it was listed
      }
    };
  }

  /**
   * A model's health: as {@link #health(ModelStatus, Clock)}, with its quality watch's report when it has one.
   * A degraded model stays UP (it serves); the {@code quality} detail says it is degraded.
   */
  static Health health(ModelRegistry registry, String model, Clock clock) {
    ModelStatus status = registry.status(model);
    Health.Builder builder = status.loaded()
        ? Health.up()
        : status.required() ? Health.down() : Health.unknown();
    builder.withDetails(ModelStatusDetails.of(status, clock));
    try {
      builder.withDetail("quality", ModelStatusDetails.of(registry.quality(model)));
    } catch (IllegalArgumentException noPolicy) {
      // the model's quality is not watched
    }
    return builder.build();
  }

  static Health health(ModelStatus status, Clock clock) {
    Health.Builder builder = status.loaded()
        ? Health.up()
        : status.required() ? Health.down() : Health.unknown();
    return builder.withDetails(ModelStatusDetails.of(status, clock)).build();
  }

}
