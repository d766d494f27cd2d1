package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the models (see {@link dev.modelregistry.micrometer.ModelRegistryMetrics} for the
 * meters), when Micrometer and {@code registry-micrometer} are on the classpath. The binder is also a registry listener, registered with the registry the starter builds.
 */
@AutoConfiguration(before = ModelRegistryAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, ModelRegistry.class, dev.modelregistry.micrometer.ModelRegistryMetrics.class})
@ConditionalOnBooleanProperty(name = "model-registry.enabled", matchIfMissing = true)
public class ModelRegistryMetricsAutoConfiguration {

  /** The binder; Spring Boot binds it to every meter registry. */
  @Bean
  @ConditionalOnMissingBean
  ModelRegistryMetrics modelRegistryMetrics(ObjectProvider<ModelRegistry> registry) {
    return new ModelRegistryMetrics(registry, Clock.systemUTC());
  }
}
