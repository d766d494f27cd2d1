package dev.modelregistry.spring;

import dev.modelregistry.ModelCatalog;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.spi.ModelStore;
import dev.modelregistry.spi.WritableModelStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code models} actuator endpoint, when the actuator is on the classpath and the endpoint is exposed
 * ({@code management.endpoints.web.exposure.include=health,models}).
 */
@AutoConfiguration(after = ModelRegistryAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ModelRegistry.class})
@ConditionalOnBean(ModelRegistry.class)
@ConditionalOnAvailableEndpoint(ModelsEndpoint.class)
public class ModelsEndpointAutoConfiguration {

  /** The endpoint; the catalog reads any store, the moves need a store that can be written to. */
  @Bean
  @ConditionalOnMissingBean
  public ModelsEndpoint modelsEndpoint(
      ModelRegistry registry, ObjectProvider<ModelStore> store, ModelRegistryProperties properties) {
    ModelStore modelStore = store.getIfAvailable();
    ModelPublisher publisher = modelStore instanceof WritableModelStore writable
        ? ModelPublisher.builder(writable).publishedBy("actuator@" + hostName()).build()
        : null;
    ModelCatalog catalog = modelStore == null ? null : ModelCatalog.of(modelStore);
    return new ModelsEndpoint(registry, catalog, publisher, properties.getEndpoint().isWriteOperationsEnabled(),
        Clock.systemUTC());
  }

  /** The experiments endpoint; writing needs a store that can be written to. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(ExperimentsEndpoint.class)
  public ExperimentsEndpoint experimentsEndpoint(
      ModelRegistry registry, ObjectProvider<ModelStore> store, ModelRegistryProperties properties) {
    ModelPublisher publisher = store.getIfAvailable() instanceof WritableModelStore writable
        ? ModelPublisher.builder(writable).publishedBy("actuator@" + hostName()).build()
        : null;
    return new ExperimentsEndpoint(registry, publisher, properties.getEndpoint().isWriteOperationsEnabled());
  }

  private static String hostName() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "unknown" : host;
  }
}
