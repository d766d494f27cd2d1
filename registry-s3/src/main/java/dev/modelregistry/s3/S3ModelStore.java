package dev.modelregistry.s3;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.Names;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.StoreKeys;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A store on Amazon S3 or an S3-compatible service (MinIO, Ceph RGW, Cloudflare R2, …), for serving and
 * for publishing. The bucket holds the storage format under a key prefix, {@code models} by default:
 * {@code s3://bucket/models/<model>/latest.json}, {@code s3://bucket/models/<model>/v1/…}. Thread-safe,
 * and safe with any number of publishers and readers in any number of processes.
 *
 * <pre>{@code
 * // With the host's configured client (never closed by the store):
 * ModelStore store = S3ModelStore.builder().client(s3Client).bucket("cricksy-ml-models").build();
 *
 * // Or with a client built from settings (closed with the store):
 * ModelStore store = S3ModelStore.builder()
 *     .bucket("cricksy-ml-models")
 *     .region("eu-west-1")
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>{@link #read}: one GET with {@code If-None-Match}; an unchanged object is a 304, which transfers no
 *       content. The tag is the object's ETag.
 *   <li>{@link #open}: a streaming GET. A connection dropped mid-transfer is resumed with a range request
 *       pinned to the object's ETag, at most {@value ObjectDownload#MAX_RESUMES} times.
 *   <li>{@link #list}: {@code ListObjectsV2} with the delimiter {@code /}, every page.
 *   <li>{@link #create}: a PUT with {@code If-None-Match: *}; {@link #replace}: a PUT with {@code If-Match:
 *       <etag>}. A 412 answer means another writer was first; a 409 (a conflicting write in progress) is
 *       retried.
 *   <li>{@link #write}: one PUT up to the part size, else a multipart upload, aborted if any part fails,
 *       with CRC32 part checksums unless the client computes checksums only when required (for
 *       S3-compatible services that refuse them).
 * </ul>
 *
 * <p>Every key is checked before use and prefixed with the store's prefix, so nothing outside {@code
 * <prefix>/} is read or written. Failures become {@link IOException}s that name the object and what to
 * do; they never contain credentials, signatures or presigned URLs.
 *
 * <p>Conditional writes ({@code If-None-Match: *} and {@code If-Match} on PUT) are what make concurrent
 * publishers safe. Amazon S3 has them; among S3-compatible services, check that yours does before
 * publishing from more than one place at a time.
 */
public final class S3ModelStore implements WritableModelStore {

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "models";
  /** The default part size of multipart uploads: 8 MiB, as the AWS CLI. */
  public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(S3ModelStore.class);
  private static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  private static final long MAX_PART_SIZE = 1024L * 1024 * 1024;
  private static final int MAX_PARTS = 10_000;
  /** The largest object {@link #read} takes whole: pointers, manifests and metadata are far smaller. */
  private static final int MAX_READ_SIZE = 16 * 1024 * 1024;
  /**
   * User metadata naming the conditional write that created an object, so a write whose answer was lost
   * and whose retry then failed its condition can tell whether it was the first attempt that wrote.
   */
  private static final String WRITE_ID = "registry-write-id";
  /** How often a write answered with 409 ConditionalRequestConflict is retried. */
  private static final int CONFLICT_ATTEMPTS = 8;
  private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

  private final S3Client client;
  private final boolean ownsClient;
  private final String bucket;
  private final String prefix;
  private final long partSize;
  private final int listPageSize;
  private final String description;
  /** Whether multipart uploads carry CRC32 part checksums: unless the client computes checksums only when required. */
  private final boolean partChecksums;
  private volatile boolean closed;

  private S3ModelStore(Builder builder, S3Client client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = requireNonNull(builder.bucket);
    this.prefix = builder.prefix != null ? builder.prefix : DEFAULT_PREFIX;
    this.partSize = builder.partSize != null ? builder.partSize : DEFAULT_PART_SIZE;
    this.listPageSize = builder.listPageSize != null ? builder.listPageSize : 1000;
    this.description = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    this.partChecksums = client.serviceClientConfiguration().requestChecksumCalculation()
        != RequestChecksumCalculation.WHEN_REQUIRED;
  }

  /** A builder; {@link Builder#bucket} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix in front of every key, without a trailing {@code /}; empty for the bucket's root. */
  public String prefix() {
    return prefix;
  }

  // ------------------------------------------------------------------ reads

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    String objectKey = objectKey(key);
    GetObjectRequest request = GetObjectRequest.builder()
        .bucket(bucket)
        .key(objectKey)
        .ifNoneMatch(ifNoneMatch)
        .build();
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client.getObject(request);
    } catch (SdkException e) {
      if (S3Failures.status(e) == 304) {
        return ObjectRead.notModified();
      }
      if (isMissing(e)) {
        return ObjectRead.missing();
      }
      throw S3Failures.translate("reading", where(objectKey), "s3:GetObject", e);
    }
    String eTag = in.response().eTag();
    byte[] content = readWhole(in, objectKey);
    if (eTag == null || eTag.isEmpty()) {
      throw new IOException("reading " + where(objectKey) + " failed: the answer carries no ETag, which this"
          + " store needs for conditional reads and writes; is the endpoint an S3-compatible service?");
    }
    if (eTag.equals(ifNoneMatch)) {
      return ObjectRead.notModified(); // a service that ignores If-None-Match on GET
    }
    return ObjectRead.found(content, eTag);
  }

  @Override
  public InputStream open(String key) throws IOException {
    String objectKey = objectKey(key);
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(objectKey).build();
    try {
      return new ObjectDownload(client, bucket, objectKey, where(objectKey), client.getObject(request));
    } catch (SdkException e) {
      if (isMissing(e)) {
        throw new NoSuchFileException(where(objectKey), null, "no such object");
      }
      throw S3Failures.translate("opening", where(objectKey), "s3:GetObject", e);
    }
  }

  @Override
  public Listing list(String folder) throws IOException {
    requireOpen();
    requireNonNull(folder, "folder");
    String listed = folder.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : objectKey(folder) + "/";
    List<String> folders = new ArrayList<>();
    List<Listing.Entry> objects = new ArrayList<>();
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
        .bucket(bucket)
        .prefix(listed)
        .delimiter("/")
        .encodingType(EncodingType.URL)
        .maxKeys(listPageSize);
    String token = null;
    try {
      do {
        ListObjectsV2Response page = client.listObjectsV2(request.continuationToken(token).build());
        for (CommonPrefix common : page.commonPrefixes()) {
          String name = childName(common.prefix(), listed);
          String folderName = name.endsWith("/") ? name.substring(0, name.length() - 1) : "";
          if (StoreKeys.isSafeKey(folderName) && !folderName.contains("/")) {
            folders.add(folderName);
          }
        }
        for (S3Object object : page.contents()) {
          String name = childName(object.key(), listed);
          if (!name.isEmpty() && !name.contains("/")) {
            objects.add(new Listing.Entry(name, object.size() == null ? 0 : object.size(), object.eTag()));
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw S3Failures.translate("listing", where(listed), "s3:ListBucket", e);
    }
    return new Listing(folders, objects);
  }

  // ------------------------------------------------------------------ writes

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    requireNonNull(content, "content");
    return conditionalPut(objectKey(key), content, null);
  }

  @Override
  public boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException {
    requireNonNull(content, "content");
    return conditionalPut(objectKey(key), content, expectedTag);
  }

  @Override
  public void write(String key, InputStream content, long length) throws IOException {
    requireNonNull(content, "content");
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0 but was " + length);
    }
    String objectKey = objectKey(key);
    if (length <= partSize) {
      byte[] bytes = readExactly(content, (int) length, objectKey, length);
      requireEnd(content, objectKey, length);
      try {
        client.putObject(put(objectKey).contentLength(length).build(), RequestBody.fromBytes(bytes));
      } catch (SdkException e) {
        throw S3Failures.translate("writing", where(objectKey), "s3:PutObject", e);
      }
    } else {
      uploadInParts(objectKey, content, length);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(objectKey).build());
    } catch (SdkException e) {
      if (isMissing(e)) {
        return;
      }
      throw S3Failures.translate("deleting", where(objectKey), "s3:DeleteObject", e);
    }
  }

  /**
   * A PUT with {@code If-None-Match: *} (no expected tag) or {@code If-Match}: true if it was written,
   * false if another writer got there first.
   */
  private boolean conditionalPut(String objectKey, byte[] content, @Nullable String expectedTag)
      throws IOException {
    String writeId = UUID.randomUUID().toString();
    PutObjectRequest.Builder request = put(objectKey)
        .contentLength((long) content.length)
        .metadata(Map.of(WRITE_ID, writeId));
    if (expectedTag == null) {
      request.ifNoneMatch("*");
    } else {
      request.ifMatch(expectedTag);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        client.putObject(request.build(), RequestBody.fromBytes(content));
        return true;
      } catch (SdkException e) {
        int status = S3Failures.status(e);
        if (status == 412 || (status == 404 && expectedTag != null)) {
          // 412: the condition failed; 404: If-Match on an object that is gone. If the SDK had sent the
          // request before, that earlier attempt may be the one that wrote, its answer lost: the write id
          // on the object tells.
          return S3Failures.retried(e) && writtenBy(objectKey, writeId);
        }
        if (status == 409 && attempt < CONFLICT_ATTEMPTS) {
          log.debug("{}: conflicting write in progress (409 {}); retrying", where(objectKey),
              S3Failures.errorCode(e));
          pause(attempt);
          continue;
        }
        throw S3Failures.translate(expectedTag == null ? "creating" : "replacing", where(objectKey),
            "s3:PutObject", e);
      }
    }
  }

  /** Whether the object now there was written by the conditional PUT with {@code writeId}. */
  private boolean writtenBy(String objectKey, String writeId) throws IOException {
    try {
      HeadObjectResponse head =
          client.headObject(HeadObjectRequest.builder().bucket(bucket).key(objectKey).build());
      return writeId.equals(head.metadata().get(WRITE_ID));
    } catch (SdkException e) {
      if (isMissing(e)) {
        return false;
      }
      throw S3Failures.translate("checking who wrote", where(objectKey), "s3:GetObject", e);
    }
  }

  private void uploadInParts(String objectKey, InputStream content, long length) throws IOException {
    long size = Math.max(partSize, ceilToMiB((length + MAX_PARTS - 1) / MAX_PARTS));
    String uploadId;
    try {
      uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder()
          .bucket(bucket)
          .key(objectKey)
          .contentType(contentType(objectKey))
          .checksumAlgorithm(partChecksums ? ChecksumAlgorithm.CRC32 : null)
          .build()).uploadId();
    } catch (SdkException e) {
      throw S3Failures.translate("starting a multipart upload of", where(objectKey), "s3:PutObject", e);
    }
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long sent = 0;
      for (int number = 1; sent < length; number++) {
        int partLength = (int) Math.min(size, length - sent);
        byte[] part = readExactly(content, partLength, objectKey, length);
        UploadPartResponse response = client.uploadPart(UploadPartRequest.builder()
            .bucket(bucket)
            .key(objectKey)
            .uploadId(uploadId)
            .partNumber(number)
            .contentLength((long) partLength)
            .checksumAlgorithm(partChecksums ? ChecksumAlgorithm.CRC32 : null)
            .build(), RequestBody.fromBytes(part));
        parts.add(CompletedPart.builder()
            .partNumber(number)
            .eTag(response.eTag())
            .checksumCRC32(response.checksumCRC32())
            .build());
        sent += partLength;
      }
      requireEnd(content, objectKey, length);
      client.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
          .bucket(bucket)
          .key(objectKey)
          .uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
          .build());
      completed = true;
      log.debug("{}: uploaded {} bytes in {} parts", where(objectKey), length, parts.size());
    } catch (SdkException e) {
      throw S3Failures.translate("uploading", where(objectKey), "s3:PutObject", e);
    } finally {
      if (!completed) {
        abort(objectKey, uploadId);
      }
    }
  }

  private void abort(String objectKey, String uploadId) {
    try {
      client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
          .bucket(bucket)
          .key(objectKey)
          .uploadId(uploadId)
          .build());
    } catch (SdkException e) {
      log.warn("{}: could not abort the failed multipart upload {} ({}); its parts stay billed until a"
              + " lifecycle rule with AbortIncompleteMultipartUpload removes them",
          where(objectKey), uploadId, S3Failures.describe(e, "s3:AbortMultipartUpload"));
    }
  }

  private PutObjectRequest.Builder put(String objectKey) {
    return PutObjectRequest.builder().bucket(bucket).key(objectKey).contentType(contentType(objectKey));
  }

  // ------------------------------------------------------------------ identity

  @Override
  public String description() {
    return description;
  }

  @Override
  public Optional<String> keyPrefix() {
    return prefix.isEmpty() ? Optional.empty() : Optional.of(prefix);
  }

  @Override
  public Optional<String> bucketName() {
    return Optional.of(bucket);
  }

  /**
   * Closes the store, and the client if this store built it; a client given to the builder is left open.
   * Closing twice does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownsClient) {
      client.close();
    }
  }

  /** The client in use. */
  S3Client client() {
    return client;
  }

  @Override
  public String toString() {
    Optional<URI> endpoint = client.serviceClientConfiguration().endpointOverride();
    return "S3ModelStore[" + description
        + endpoint.map(S3ModelStore::withoutUserInfo).map(e -> " at " + e).orElse("") + "]";
  }

  // ------------------------------------------------------------------ internals

  /** The object key of a store key: the prefix, then the key, which must be safe ({@link StoreKeys}). */
  private String objectKey(String key) {
    requireOpen();
    StoreKeys.requireSafeKey(key);
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the store " + description + " is closed");
    }
  }

  private String where(String objectKey) {
    return "s3://" + bucket + "/" + objectKey;
  }

  /** The part of {@code key} after the listed folder, or an empty string if it is not under it. */
  private static String childName(@Nullable String key, String listed) {
    return key != null && key.startsWith(listed) ? key.substring(listed.length()) : "";
  }

  /** A 404 for a key (not for a missing bucket, which is a configuration error). */
  private static boolean isMissing(SdkException e) {
    return S3Failures.status(e) == 404 && !S3Failures.errorCode(e).equals("NoSuchBucket");
  }

  /** Reads a small object's answer whole and closes it; aborts the connection if that fails. */
  private byte[] readWhole(ResponseInputStream<GetObjectResponse> in, String objectKey) throws IOException {
    Long announced = in.response().contentLength();
    if (announced != null && announced > MAX_READ_SIZE) {
      in.abort();
      in.close();
      throw tooLargeToRead(objectKey, Long.toString(announced));
    }
    byte[] content;
    try (in) {
      content = in.readNBytes(MAX_READ_SIZE + 1);
      if (content.length > MAX_READ_SIZE) {
        in.abort();
      }
    } catch (IOException e) {
      in.abort();
      throw new IOException("reading " + where(objectKey) + " failed: the connection broke while the content"
          + " arrived (" + e + "); try again", e);
    } catch (SdkException e) {
      in.abort();
      throw S3Failures.translate("reading", where(objectKey), "s3:GetObject", e);
    }
    if (content.length > MAX_READ_SIZE) {
      throw tooLargeToRead(objectKey, "more than " + MAX_READ_SIZE);
    }
    return content;
  }

  private IOException tooLargeToRead(String objectKey, String size) {
    return new IOException("reading " + where(objectKey) + " failed: it is " + size + " bytes, more than the "
        + MAX_READ_SIZE + " bytes this store reads whole; a pointer, manifest or history record is far smaller:"
        + " check what wrote it");
  }

  private byte[] readExactly(InputStream content, int count, String objectKey, long length) throws IOException {
    byte[] bytes = content.readNBytes(count);
    if (bytes.length != count) {
      throw new IOException("writing " + where(objectKey) + " failed: expected " + length
          + " bytes but the content ended early");
    }
    return bytes;
  }

  private void requireEnd(InputStream content, String objectKey, long length) throws IOException {
    if (content.read() != -1) {
      throw new IOException("writing " + where(objectKey) + " failed: the content has more than the " + length
          + " bytes announced");
    }
  }

  private static String contentType(String objectKey) {
    return objectKey.endsWith(".json") ? "application/json" : "application/octet-stream";
  }

  private static long ceilToMiB(long bytes) {
    long mib = 1024L * 1024;
    return (bytes + mib - 1) / mib * mib;
  }

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(10, 20L << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying a conditional write");
    }
  }

  private static String withoutUserInfo(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /**
   * Configures an {@link S3ModelStore}. Each setting may be given once; a second call is an {@link
   * IllegalStateException}. Not thread-safe.
   *
   * <p>Either give a configured client with {@link #client}, which the store uses as is and never closes,
   * or let the store build one from {@link #region}, {@link #endpointOverride}, {@link #pathStyleAccess},
   * the timeouts and {@link #maxAttempts}, with the SDK's default credentials chain (environment, system
   * properties, profile, container and instance roles); the store closes a client it built.
   */
  public static final class Builder {

    private @Nullable S3Client client;
    private @Nullable String bucket;
    private @Nullable String prefix;
    private @Nullable String region;
    private @Nullable URI endpointOverride;
    private @Nullable Boolean pathStyleAccess;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;
    private @Nullable Duration requestTimeout;
    private @Nullable Integer maxAttempts;
    private @Nullable Long partSize;
    private @Nullable Integer listPageSize;

    private Builder() {}

    /**
     * The client to use, configured by the host (credentials, region, endpoint, HTTP client, metrics). The
     * store never closes it. Excludes the settings that configure a client the store builds.
     */
    public Builder client(S3Client client) {
      requireUnset(this.client, "client");
      this.client = requireNonNull(client, "client");
      return this;
    }

    /** The bucket. Required. */
    public Builder bucket(String bucket) {
      requireUnset(this.bucket, "bucket");
      requireNonNull(bucket, "bucket");
      if (!BUCKET.matcher(bucket).matches()) {
        throw new IllegalArgumentException("bucket " + Names.quote(bucket) + " is not a bucket name: expected"
            + " 2 to 255 letters, digits, '.', '_' or '-' without '/', for example cricksy-ml-models");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * The key prefix under which models live, without leading or trailing {@code /}; empty for the bucket's
     * root. Default: {@value S3ModelStore#DEFAULT_PREFIX}.
     */
    public Builder prefix(String prefix) {
      requireUnset(this.prefix, "prefix");
      requireNonNull(prefix, "prefix");
      this.prefix = StoreKeys.requireSafePrefix(prefix);
      return this;
    }

    /**
     * The region of the client the store builds, for example {@code eu-west-1}. Default: the SDK's region
     * chain ({@code AWS_REGION}, the profile, the instance metadata), or {@code us-east-1} with an {@link
     * #endpointOverride}.
     */
    public Builder region(String region) {
      requireUnset(this.region, "region");
      requireNonNull(region, "region");
      if (!REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("region " + Names.quote(region) + " is not a region name: expected"
            + " lower-case letters, digits and '-', for example eu-west-1");
      }
      this.region = region;
      return this;
    }

    /**
     * The endpoint of an S3-compatible service, for example {@code http://minio.internal:9000}, for the
     * client the store builds. Usually wants {@link #pathStyleAccess pathStyleAccess(true)}.
     */
    public Builder endpointOverride(URI endpoint) {
      requireUnset(this.endpointOverride, "endpointOverride");
      requireNonNull(endpoint, "endpoint");
      if (endpoint.getRawUserInfo() != null) {
        throw new IllegalArgumentException("endpointOverride " + withoutUserInfo(endpoint) + " carries user"
            + " information (user:password@); never put credentials in the endpoint: the default credentials"
            + " chain gives them, or give a configured client with client(...)");
      }
      String scheme = endpoint.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpointOverride " + Names.quote(endpoint.toString()) + " is not an"
            + " http or https URI with a host, for example http://minio.internal:9000");
      }
      this.endpointOverride = endpoint;
      return this;
    }

    /**
     * Whether the client the store builds addresses the bucket in the path ({@code
     * http://host/bucket/key}) rather than in the host name; most S3-compatible services want it. Default:
     * false.
     */
    public Builder pathStyleAccess(boolean pathStyleAccess) {
      requireUnset(this.pathStyleAccess, "pathStyleAccess");
      this.pathStyleAccess = pathStyleAccess;
      return this;
    }

    /** How long the client the store builds waits to open a connection. Default: 5 s. */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(this.connectTimeout, "connectTimeout");
      this.connectTimeout = requirePositive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long the client the store builds waits for the next bytes of an answer, also while streaming a
     * download. Default: 30 s.
     */
    public Builder readTimeout(Duration timeout) {
      requireUnset(this.readTimeout, "readTimeout");
      this.readTimeout = requirePositive(timeout, "readTimeout");
      return this;
    }

    /**
     * How long one attempt of a request may take, up to its answer's headers, before the client the store
     * builds gives it up and retries (the SDK's API call attempt timeout). Default: 60 s.
     */
    public Builder requestTimeout(Duration timeout) {
      requireUnset(this.requestTimeout, "requestTimeout");
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /**
     * How many times the client the store builds sends a request that failed with a retryable error (5xx,
     * 503 SlowDown, a timeout, a broken connection), with exponential backoff and jitter between attempts.
     * Default: 3, as the SDK's standard retry mode.
     */
    public Builder maxAttempts(int maxAttempts) {
      requireUnset(this.maxAttempts, "maxAttempts");
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be in [1, 20] but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The size of the parts of a multipart upload; a file larger than one part is uploaded in parts, one
     * part in memory at a time. Between 5 MiB and 1 GiB; raised as needed to stay within 10,000 parts.
     * Default: 8 MiB.
     */
    public Builder partSize(long bytes) {
      requireUnset(this.partSize, "partSize");
      if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
        throw new IllegalArgumentException("partSize must be between " + MIN_PART_SIZE + " (5 MiB) and "
            + MAX_PART_SIZE + " (1 GiB) bytes but was " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /** Keys per listing page, 1 to 1000; lower only to exercise pagination. */
    Builder listPageSize(int keys) {
      requireUnset(this.listPageSize, "listPageSize");
      if (keys < 1 || keys > 1000) {
        throw new IllegalArgumentException("listPageSize must be in [1, 1000] but was " + keys);
      }
      this.listPageSize = keys;
      return this;
    }

    /**
     * Builds the store, and its client unless one was given.
     *
     * @throws IllegalStateException if no bucket was set, if client-building settings were given with a
     *     client, or if the SDK cannot build a client (no region found, for example)
     */
    public S3ModelStore build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket(...) is required, for example bucket(\"cricksy-ml-models\")");
      }
      if (client != null) {
        List<String> clientSettings = new ArrayList<>();
        addIfSet(clientSettings, region, "region");
        addIfSet(clientSettings, endpointOverride, "endpointOverride");
        addIfSet(clientSettings, pathStyleAccess, "pathStyleAccess");
        addIfSet(clientSettings, connectTimeout, "connectTimeout");
        addIfSet(clientSettings, readTimeout, "readTimeout");
        addIfSet(clientSettings, requestTimeout, "requestTimeout");
        addIfSet(clientSettings, maxAttempts, "maxAttempts");
        if (!clientSettings.isEmpty()) {
          throw new IllegalStateException(String.join(", ", clientSettings) + " configure the client the store"
              + " builds, but a client was given with client(...); configure that client instead");
        }
        return new S3ModelStore(this, client, false);
      }
      return new S3ModelStore(this, buildClient(), true);
    }

    private S3Client buildClient() {
      int attempts = maxAttempts != null ? maxAttempts : 3;
      Duration attemptTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(60);
      S3ClientBuilder builder = S3Client.builder()
          .httpClientBuilder(Apache5HttpClient.builder()
              .connectionTimeout(connectTimeout != null ? connectTimeout : Duration.ofSeconds(5))
              .socketTimeout(readTimeout != null ? readTimeout : Duration.ofSeconds(30)))
          .overrideConfiguration(o -> o
              .apiCallAttemptTimeout(attemptTimeout)
              .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build()))
          .forcePathStyle(Boolean.TRUE.equals(pathStyleAccess));
      if (region != null) {
        builder.region(Region.of(region));
      } else if (endpointOverride != null) {
        builder.region(Region.US_EAST_1);
      }
      if (endpointOverride != null) {
        builder.endpointOverride(endpointOverride);
      }
      try {
        return builder.build();
      } catch (SdkException e) {
        throw new IllegalStateException("cannot build an S3 client for bucket " + bucket + ": " + e.getMessage()
            + "; set region(...) (or AWS_REGION), or give a configured client with client(...)", e);
      }
    }

    private static void addIfSet(List<String> names, @Nullable Object value, String name) {
      if (value != null) {
        names.add(name);
      }
    }

    private static Duration requirePositive(Duration value, String setting) {
      requireNonNull(value, setting);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive but was " + value);
      }
      return value;
    }

    private static void requireUnset(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
