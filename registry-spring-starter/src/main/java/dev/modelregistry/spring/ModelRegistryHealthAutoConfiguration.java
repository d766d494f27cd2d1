package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * A health indicator per model, under {@code models}, when Spring Boot's health support is on the
 * classpath. Turn it off with {@code management.health.models.enabled=false}.
 */
@AutoConfiguration(after = ModelRegistryAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ModelRegistry.class})
@ConditionalOnBean(ModelRegistry.class)
@ConditionalOnEnabledHealthIndicator("models")
public class ModelRegistryHealthAutoConfiguration {

  /** The {@code models} health component. */
  @Bean
  @ConditionalOnMissingBean(name = "modelsHealthContributor")
  public CompositeHealthContributor modelsHealthContributor(ModelRegistry registry) {
    return ModelRegistryHealthContributor.of(registry, Clock.systemUTC());
  }
}
