package dev.modelregistry.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code model-registry.*} properties. Bound by Spring; not thread-safe while binding, read-only after.
 *
 * <pre>{@code
 * model-registry:
 *   store:
 *     type: s3
 *     s3:
 *       bucket: ${S3_MODEL_BUCKET:}
 *       prefix: ${S3_MODEL_PREFIX:models}
 *   cache-directory: ${MODEL_CACHE_DIR:/tmp/model-registry}
 *   poll-interval: ${MODEL_RELOAD_INTERVAL_SECONDS:120}s
 *   models:
 *     t20_win_predictor:
 *       required: true
 * }</pre>
 */
@ConfigurationProperties(prefix = "model-registry")
public class ModelRegistryProperties {

  /** Whether to configure a model registry at all. */
  private boolean enabled = true;

  /** Where versions are published and read from. */
  private final Store store = new Store();

  /** Local folder where versions are downloaded, verified and kept; the last good one serves when the store is away at start. Must be writable. */
  private Path cacheDirectory = Path.of(System.getProperty("java.io.tmpdir"), "model-registry");

  /** How often each model's pointer is read. */
  private Duration pollInterval = Duration.ofSeconds(120);

  /** Random spread of each poll delay, as a fraction of it, so replicas do not poll in step. */
  private double pollJitter = 0.1;

  /** Longest delay between polls after repeated failures, and between retries of a version that failed to load. */
  private Duration maxBackoff = Duration.ofMinutes(10);

  /** Classpath folder of bundled models, served when neither the store nor the cache can give a model (for example "bundled-models"). Empty for none. */
  private String fallbackLocation = "";

  /** Whether startup fails when a required model cannot be loaded; when false, the application starts and readiness stays refused until it loads. */
  private boolean failFast = false;

  /** Whether predictions are counted and timed per model version (the model.registry.predictions metric): every call counted, one in eight timed; about 13 ns per call. */
  private boolean recordPredictionStats = true;

  /** How long shutdown waits for predictions in flight before closing models. */
  private Duration closeTimeout = Duration.ofSeconds(30);

  /** How long a lease may be held before it is reported with the stack where it was taken; 0 turns the check off. */
  private Duration leaseWarningAfter = Duration.ofSeconds(60);

  /** Versions kept in the local cache per model. */
  private int cacheRetention = 3;

  /** Whether to refuse versions published without a manifest.json (they cannot be verified). */
  private boolean requireManifest = false;

  /** The models to serve, by name. */
  private final Map<String, Model> models = new LinkedHashMap<>();

  /** The models actuator endpoint. */
  private final Endpoint endpoint = new Endpoint();

  /** Models served without being declared: loaded on first use, bounded, evicted. */
  private final Discovery discovery = new Discovery();

  /**
   * The deadline of one load and of one pointer read, and the longest a first use waits for its load; unset:
   * 10 minutes.
   */
  private @Nullable Duration loadTimeout;

  /**
   * Whether polls read the store's change feed (_changes.json) and then only the pointers that changed. Unset:
   * on when discovery is enabled.
   */
  private @Nullable Boolean changeFeed;

  /** With the change feed, every how many polls every loaded model's pointer is read anyway; unset: 10. */
  private @Nullable Integer fullScanEvery;

  public Discovery getDiscovery() {
    return discovery;
  }

  public @Nullable Duration getLoadTimeout() {
    return loadTimeout;
  }

  public void setLoadTimeout(@Nullable Duration loadTimeout) {
    this.loadTimeout = loadTimeout;
  }

  public @Nullable Boolean getChangeFeed() {
    return changeFeed;
  }

  public void setChangeFeed(@Nullable Boolean changeFeed) {
    this.changeFeed = changeFeed;
  }

  public @Nullable Integer getFullScanEvery() {
    return fullScanEvery;
  }

  public void setFullScanEvery(@Nullable Integer fullScanEvery) {
    this.fullScanEvery = fullScanEvery;
  }

  /** Discovery of models not declared under {@code model-registry.models}. */
  public static class Discovery {

    /** Whether to serve models that are not declared, loading each the first time it is asked for. */
    private boolean enabled = false;

    /** Serve only the models whose name starts with this prefix; empty: every model of the store. */
    private String prefix = "";

    /** The most memory the discovered models may weigh together (for example 2GB); unset: no bound. */
    private @Nullable DataSize maximumWeight;

    /** The most discovered models loaded at once; unset: no bound. */
    private @Nullable Long maximumModels;

    /** Evict a discovered model no call has asked for during this time; unset: never. */
    private @Nullable Duration expireAfterAccess;

    /**
     * How long a name no source has is remembered, so that asking for it again does not read the store; a
     * model published under it is found at the next poll of the change feed. 0 turns it off.
     */
    private Duration missingModelTtl = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public @Nullable DataSize getMaximumWeight() {
      return maximumWeight;
    }

    public void setMaximumWeight(@Nullable DataSize maximumWeight) {
      this.maximumWeight = maximumWeight;
    }

    public @Nullable Long getMaximumModels() {
      return maximumModels;
    }

    public void setMaximumModels(@Nullable Long maximumModels) {
      this.maximumModels = maximumModels;
    }

    public @Nullable Duration getExpireAfterAccess() {
      return expireAfterAccess;
    }

    public void setExpireAfterAccess(@Nullable Duration expireAfterAccess) {
      this.expireAfterAccess = expireAfterAccess;
    }

    public Duration getMissingModelTtl() {
      return missingModelTtl;
    }

    public void setMissingModelTtl(Duration missingModelTtl) {
      this.missingModelTtl = missingModelTtl;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Store getStore() {
    return store;
  }

  public Path getCacheDirectory() {
    return cacheDirectory;
  }

  public void setCacheDirectory(Path cacheDirectory) {
    this.cacheDirectory = cacheDirectory;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public double getPollJitter() {
    return pollJitter;
  }

  public void setPollJitter(double pollJitter) {
    this.pollJitter = pollJitter;
  }

  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  public String getFallbackLocation() {
    return fallbackLocation;
  }

  public void setFallbackLocation(String fallbackLocation) {
    this.fallbackLocation = fallbackLocation;
  }

  public boolean isFailFast() {
    return failFast;
  }

  public void setFailFast(boolean failFast) {
    this.failFast = failFast;
  }

  public boolean isRecordPredictionStats() {
    return recordPredictionStats;
  }

  public void setRecordPredictionStats(boolean recordPredictionStats) {
    this.recordPredictionStats = recordPredictionStats;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public Duration getLeaseWarningAfter() {
    return leaseWarningAfter;
  }

  public void setLeaseWarningAfter(Duration leaseWarningAfter) {
    this.leaseWarningAfter = leaseWarningAfter;
  }

  public int getCacheRetention() {
    return cacheRetention;
  }

  public void setCacheRetention(int cacheRetention) {
    this.cacheRetention = cacheRetention;
  }

  public boolean isRequireManifest() {
    return requireManifest;
  }

  public void setRequireManifest(boolean requireManifest) {
    this.requireManifest = requireManifest;
  }

  public Map<String, Model> getModels() {
    return models;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  /** The kind of store. */
  public enum StoreType {
    /** A local or mounted folder ({@code model-registry.store.filesystem.root}). */
    FILESYSTEM,
    /** An S3 bucket or S3-compatible service ({@code model-registry.store.s3.*}); needs registry-s3. */
    S3,
    /** No store: models come from the bundled fallback only. */
    NONE
  }

  /** Where versions are read from. */
  public static class Store {

    /** The kind of store: filesystem, s3, or none (bundled models only). */
    private StoreType type = StoreType.FILESYSTEM;

    /** The filesystem store. */
    private final Filesystem filesystem = new Filesystem();

    /** The S3 store. */
    private final S3 s3 = new S3();

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public Filesystem getFilesystem() {
      return filesystem;
    }

    public S3 getS3() {
      return s3;
    }
  }

  /** A store on a folder. */
  public static class Filesystem {

    /** Root folder of the store: holds <model>/latest.json and <model>/v<N>/. */
    private @Nullable Path root;

    public @Nullable Path getRoot() {
      return root;
    }

    public void setRoot(@Nullable Path root) {
      this.root = root;
    }
  }

  /** A store on S3. */
  public static class S3 {

    /** Bucket holding the models. Required with store type s3. */
    private @Nullable String bucket;

    /** Key prefix under which models live. */
    private String prefix = "models";

    /** AWS region; defaults to the SDK's region provider chain. */
    private @Nullable String region;

    /** Endpoint of an S3-compatible service (MinIO, Ceph, R2); empty for AWS. */
    private @Nullable URI endpoint;

    /** Whether to use path-style access (bucket in the path), as most S3-compatible services need. */
    private boolean pathStyleAccess = false;

    /** How long to wait to open a connection (client built by the store only). Default 5s. */
    private @Nullable Duration connectTimeout;

    /** How long to wait for the next bytes of an answer, also while streaming a download (client built by the store only). Default 30s. */
    private @Nullable Duration readTimeout;

    /** How long one attempt of a request may take before it is retried (client built by the store only). Default 60s. */
    private @Nullable Duration requestTimeout;

    /** How many times a request that failed with a retryable error is sent, with jittered backoff (client built by the store only). Default 3. */
    private @Nullable Integer maxAttempts;

    /** Part size of multipart uploads when publishing. Default 8MB. */
    private @Nullable DataSize partSize;

    public @Nullable String getBucket() {
      return bucket;
    }

    public void setBucket(@Nullable String bucket) {
      this.bucket = bucket;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public @Nullable String getRegion() {
      return region;
    }

    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    public @Nullable URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(@Nullable URI endpoint) {
      this.endpoint = endpoint;
    }

    public boolean isPathStyleAccess() {
      return pathStyleAccess;
    }

    public void setPathStyleAccess(boolean pathStyleAccess) {
      this.pathStyleAccess = pathStyleAccess;
    }

    public @Nullable Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getReadTimeout() {
      return readTimeout;
    }

    public void setReadTimeout(@Nullable Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    public @Nullable Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(@Nullable Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public @Nullable Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(@Nullable Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public @Nullable DataSize getPartSize() {
      return partSize;
    }

    public void setPartSize(@Nullable DataSize partSize) {
      this.partSize = partSize;
    }
  }

  /** One declared model. */
  public static class Model {

    /** Whether the application is ready only once this model is loaded (and, with fail-fast, whether startup fails without it). */
    private boolean required = true;

    /** A version to serve whatever the store's pointer says: a local override for an emergency roll back. */
    private @Nullable String pinnedVersion;

    public boolean isRequired() {
      return required;
    }

    public void setRequired(boolean required) {
      this.required = required;
    }

    public @Nullable String getPinnedVersion() {
      return pinnedVersion;
    }

    public void setPinnedVersion(@Nullable String pinnedVersion) {
      this.pinnedVersion = pinnedVersion;
    }
  }

  /** The models actuator endpoint. */
  public static class Endpoint {

    /** Whether pin, unpin, promote and rollback are allowed through the endpoint; they change what a whole fleet serves, so they are off by default. Refresh is always allowed. */
    private boolean writeOperationsEnabled = false;

    public boolean isWriteOperationsEnabled() {
      return writeOperationsEnabled;
    }

    public void setWriteOperationsEnabled(boolean writeOperationsEnabled) {
      this.writeOperationsEnabled = writeOperationsEnabled;
    }
  }
}
