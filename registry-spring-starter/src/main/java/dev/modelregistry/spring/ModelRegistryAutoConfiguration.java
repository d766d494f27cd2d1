package dev.modelregistry.spring;

import dev.modelregistry.ClasspathModelStore;
import dev.modelregistry.ModelDiscovery;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSpec;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.filesystem.FilesystemModelStore;
import dev.modelregistry.spi.ModelStore;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Auto-configures a {@link ModelRegistry} from {@code model-registry.*} properties, with its store and a
 * readiness gate. Every bean backs off when the application defines its own; {@code
 * model-registry.enabled=false} turns everything off.
 */
@AutoConfiguration
@ConditionalOnClass(ModelRegistry.class)
@ConditionalOnBooleanProperty(name = "model-registry.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ModelRegistryProperties.class)
@Import({
    ModelRegistryAutoConfiguration.FilesystemStoreConfiguration.class,
    ModelRegistryAutoConfiguration.S3StoreConfiguration.class,
    ModelRegistryAutoConfiguration.MissingS3StoreConfiguration.class})
public class ModelRegistryAutoConfiguration {

  /**
   * The registry: built (and its declared models loaded) while the context starts, closed when it stops,
   * after in-flight predictions have finished.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ModelRegistry modelRegistry(
      ModelRegistryProperties properties,
      ObjectProvider<ModelStore> store,
      ObjectProvider<RegistryListener> listeners,
      ObjectProvider<ModelRegistryCustomizer> customizers) {
    ModelRegistry.Builder builder = ModelRegistry.builder()
        .cacheDirectory(properties.getCacheDirectory())
        .pollInterval(properties.getPollInterval())
        .pollJitter(properties.getPollJitter())
        .maxBackoff(properties.getMaxBackoff())
        .failFast(properties.isFailFast())
        .recordPredictionStats(properties.isRecordPredictionStats())
        .closeTimeout(properties.getCloseTimeout())
        .leaseWarningAfter(properties.getLeaseWarningAfter())
        .cacheRetention(properties.getCacheRetention())
        .requireManifest(properties.isRequireManifest());
    ModelStore modelStore = properties.getStore().getType() == ModelRegistryProperties.StoreType.NONE
        ? null : store.getIfAvailable();
    if (modelStore != null) {
      builder.store(modelStore);
    }
    String fallback = properties.getFallbackLocation().replaceFirst("^classpath\\*?:", "");
    if (!fallback.isBlank()) {
      try {
        builder.fallback(ClasspathModelStore.of(fallback));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("model-registry.fallback-location=" + properties.getFallbackLocation()
            + " is refused: " + e.getMessage(), e);
      }
    }
    if (modelStore == null && fallback.isBlank()) {
      throw new IllegalStateException("model-registry needs a store or a fallback: set"
          + " model-registry.store.filesystem.root, model-registry.store.type=s3 with model-registry.store.s3.bucket,"
          + " or model-registry.fallback-location (or set model-registry.enabled=false)");
    }
    for (Map.Entry<String, ModelRegistryProperties.Model> model : properties.getModels().entrySet()) {
      ModelSpec spec = model.getValue().isRequired()
          ? ModelSpec.required(model.getKey())
          : ModelSpec.optional(model.getKey());
      if (model.getValue().getPinnedVersion() != null && !model.getValue().getPinnedVersion().isBlank()) {
        spec = spec.pinnedTo(model.getValue().getPinnedVersion());
      }
      builder.model(spec);
    }
    if (properties.getLoadTimeout() != null) {
      builder.loadTimeout(properties.getLoadTimeout());
    }
    discovery(properties, builder);
    listeners.orderedStream().forEach(builder::listener);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  private static void discovery(ModelRegistryProperties properties, ModelRegistry.Builder builder) {
    ModelRegistryProperties.Discovery discovery = properties.getDiscovery();
    if (discovery.isEnabled()) {
      builder.discover(discovery.getPrefix().isEmpty()
          ? ModelDiscovery.all()
          : ModelDiscovery.prefix(discovery.getPrefix()));
      if (discovery.getMaximumWeight() != null) {
        builder.maximumWeightBytes(discovery.getMaximumWeight().toBytes());
      }
      if (discovery.getMaximumModels() != null) {
        builder.maximumModels(discovery.getMaximumModels());
      }
      if (discovery.getExpireAfterAccess() != null) {
        builder.expireAfterAccess(discovery.getExpireAfterAccess());
      }
      builder.missingModelTtl(discovery.getMissingModelTtl());
    }
    if (properties.getChangeFeed() != null) {
      builder.changeFeed(properties.getChangeFeed());
    }
    if (properties.getFullScanEvery() != null) {
      builder.fullScanEvery(properties.getFullScanEvery());
    }
  }

  /** Keeps readiness refused while a required model is missing. */
  @Bean
  @ConditionalOnMissingBean
  public ModelReadinessGate modelReadinessGate(
      ApplicationEventPublisher events, ObjectProvider<ModelRegistry> registry) {
    return new ModelReadinessGate(events, registry);
  }

  /** The filesystem store, the default store type. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "model-registry.store.type", havingValue = "filesystem", matchIfMissing = true)
  static class FilesystemStoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(ModelStore.class)
    FilesystemModelStore modelRegistryStore(ModelRegistryProperties properties) {
      if (properties.getStore().getFilesystem().getRoot() == null) {
        throw new IllegalStateException("model-registry.store.filesystem.root must be set when"
            + " model-registry.store.type is filesystem (the default), for example"
            + " model-registry.store.filesystem.root=/srv/models; set model-registry.store.type=none to serve"
            + " bundled models only");
      }
      return FilesystemModelStore.of(properties.getStore().getFilesystem().getRoot());
    }
  }

  /** The S3 store, when registry-s3 is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "model-registry.store.type", havingValue = "s3")
  @ConditionalOnClass(name = "dev.modelregistry.s3.S3ModelStore")
  static class S3StoreConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ModelStore.class)
    ModelStore modelRegistryStore(ModelRegistryProperties properties, ObjectProvider<S3Client> client) {
      return S3Stores.create(properties.getStore().getS3(), client.getIfAvailable());
    }
  }

  /** Store type s3 without registry-s3: a clear error instead of a missing bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "model-registry.store.type", havingValue = "s3")
  @ConditionalOnMissingClass("dev.modelregistry.s3.S3ModelStore")
  static class MissingS3StoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(ModelStore.class)
    ModelStore modelRegistryStore() {
      throw new IllegalStateException("model-registry.store.type=s3 needs the S3 store on the classpath: add the"
          + " dependency dev.modelregistry:registry-s3");
    }
  }
}
