package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The Micrometer binder of {@code registry-micrometer}, wired to the registry the context builds. Thread-safe;
 * see {@link dev.modelregistry.micrometer.ModelRegistryMetrics} for the meters.
 */
final class ModelRegistryMetrics extends dev.modelregistry.micrometer.ModelRegistryMetrics {

  ModelRegistryMetrics(ObjectProvider<ModelRegistry> registry, Clock clock) {
    super(registry::getIfAvailable, clock);
  }
}
