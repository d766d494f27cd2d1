package dev.modelregistry.cli;

import dev.modelregistry.filesystem.FilesystemModelStore;
import dev.modelregistry.s3.S3ModelStore;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Where the store is: a folder ({@code /srv/models}, {@code file:/srv/models}) or S3 ({@code
 * s3://bucket/prefix}), with the S3 client's settings. Credentials come from the AWS SDK's default chain
 * (environment, system properties, profile, container or instance role), never from the command line.
 */
final class StoreOptions {

  @Option(names = {"-s", "--store"}, paramLabel = "<location>", defaultValue = "${env:MODEL_REGISTRY_STORE}",
      description = "The store: a folder (/srv/models, file:/srv/models) or s3://bucket/prefix."
          + " Default: $MODEL_REGISTRY_STORE.")
  @Nullable String location;

  @Option(names = "--endpoint", paramLabel = "<url>",
      description = "S3: an S3-compatible service, for example http://minio.internal:9000.")
  @Nullable URI endpoint;

  @Option(names = "--region", paramLabel = "<region>",
      description = "S3: the region. Default: the SDK's region chain (AWS_REGION, the profile), us-east-1 with --endpoint.")
  @Nullable String region;

  @Option(names = "--profile", paramLabel = "<name>",
      description = "S3: the AWS profile whose credentials and region to use. Default: the SDK's default chain.")
  @Nullable String profile;

  @Option(names = "--path-style", description = "S3: path-style addressing (http://host/bucket/key), for most S3-compatible services.")
  boolean pathStyle;

  /** A store and what to close with it. */
  interface Opened extends AutoCloseable {
    WritableModelStore store();

    @Override
    void close() throws IOException;
  }

  /**
   * Opens the store.
   *
   * @param mustExist for read commands: a folder that does not exist is "not found", not an empty store
   */
  Opened open(boolean mustExist) {
    if (location == null || location.isBlank()) {
      throw CliException.usage("no store given; pass --store <folder | s3://bucket/prefix> or set MODEL_REGISTRY_STORE");
    }
    if (location.toLowerCase(Locale.ROOT).startsWith("s3://")) {
      return openS3(location);
    }
    if (endpoint != null || region != null || profile != null || pathStyle) {
      throw CliException.usage("--endpoint, --region, --profile and --path-style apply to s3:// stores, but the store is "
          + location);
    }
    Path root = folder(location);
    if (mustExist && !Files.isDirectory(root)) {
      throw CliException.notFound("store folder " + root + " does not exist");
    }
    FilesystemModelStore store = FilesystemModelStore.of(root);
    return new Opened() {
      @Override
      public WritableModelStore store() {
        return store;
      }

      @Override
      public void close() {}
    };
  }

  private static Path folder(String location) {
    try {
      if (location.startsWith("file:")) {
        URI uri = new URI(location);
        return uri.isOpaque() ? Path.of(location.substring("file:".length())) : Path.of(uri);
      }
      return Path.of(location);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw CliException.usage("cannot read the store location " + location + " as a folder: " + e.getMessage());
    }
  }

  private Opened openS3(String location) {
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
    if (bucket.isEmpty()) {
      throw CliException.usage("the store " + location + " names no bucket; expected s3://bucket/prefix");
    }
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .forcePathStyle(pathStyle)
        .credentialsProvider(DefaultCredentialsProvider.builder().profileName(profile).build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    S3Client client;
    try {
      if (region != null) {
        builder.region(Region.of(region));
      } else if (endpoint != null) {
        builder.region(Region.US_EAST_1);
      } else if (profile != null) {
        builder.region(DefaultAwsRegionProviderChain.builder().profileName(profile).build().getRegion());
      }
      client = builder.build();
    } catch (SdkException e) {
      throw CliException.storeError("cannot build an S3 client for " + location + "; set --region (or AWS_REGION)", e);
    }
    S3ModelStore store;
    try {
      store = S3ModelStore.builder().client(client).bucket(bucket).prefix(prefix).build();
    } catch (IllegalArgumentException e) {
      client.close();
      throw CliException.usage("the store " + location + " is not a valid S3 location: " + e.getMessage());
    }
    return new Opened() {
      @Override
      public WritableModelStore store() {
        return store;
      }

      @Override
      public void close() {
        store.close();
        client.close();
      }
    };
  }
}
