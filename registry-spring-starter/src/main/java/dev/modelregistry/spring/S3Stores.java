package dev.modelregistry.spring;

import dev.modelregistry.s3.S3ModelStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the S3 store from properties; only loaded when registry-s3 is on the classpath. */
final class S3Stores {

  private S3Stores() {}

  /**
   * The store for {@code s3}: on the host's {@code S3Client} bean when there is one (the client settings
   * then belong to that client), else on a client built from the properties and the default credentials
   * chain.
   */
  static S3ModelStore create(ModelRegistryProperties.S3 s3, @Nullable S3Client client) {
    if (s3.getBucket() == null || s3.getBucket().isBlank()) {
      throw new IllegalStateException("model-registry.store.s3.bucket must be set when model-registry.store.type=s3,"
          + " for example model-registry.store.s3.bucket=${S3_MODEL_BUCKET}");
    }
    S3ModelStore.Builder builder = S3ModelStore.builder().bucket(s3.getBucket()).prefix(s3.getPrefix());
    if (s3.getPartSize() != null) {
      builder.partSize(s3.getPartSize().toBytes());
    }
    if (client != null) {
      return builder.client(client).build();
    }
    if (s3.getRegion() != null && !s3.getRegion().isBlank()) {
      builder.region(s3.getRegion());
    }
    if (s3.getEndpoint() != null) {
      builder.endpointOverride(s3.getEndpoint());
    }
    if (s3.isPathStyleAccess()) {
      builder.pathStyleAccess(true);
    }
    if (s3.getConnectTimeout() != null) {
      builder.connectTimeout(s3.getConnectTimeout());
    }
    if (s3.getReadTimeout() != null) {
      builder.readTimeout(s3.getReadTimeout());
    }
    if (s3.getRequestTimeout() != null) {
      builder.requestTimeout(s3.getRequestTimeout());
    }
    if (s3.getMaxAttempts() != null) {
      builder.maxAttempts(s3.getMaxAttempts());
    }
    return builder.build();
  }
}
