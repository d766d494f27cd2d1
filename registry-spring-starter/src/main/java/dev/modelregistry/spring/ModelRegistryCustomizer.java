package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;

/**
 * Adjusts the registry builder after the starter has applied the properties: for what properties cannot
 * express (a custom loader, a listener, executors). Every {@code ModelRegistryCustomizer} bean is applied, in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface ModelRegistryCustomizer {

  /** Customizes the builder. */
  void customize(ModelRegistry.Builder builder);
}
