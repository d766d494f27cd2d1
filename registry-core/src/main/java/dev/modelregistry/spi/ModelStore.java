package dev.modelregistry.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Read access to the objects of a model store: a local folder, an S3 bucket, the classpath.
 *
 * <p>Keys are relative to the store root and use {@code /} as separator, for example {@code
 * t20_win_predictor/latest.json} or {@code t20_win_predictor/v3/model.ubj}. The registry builds every key
 * from validated names, so keys never contain {@code ..}, a leading {@code /} or control characters; an
 * implementation must still check each key with {@link StoreKeys#requireSafeKey} before touching anything,
 * so every store refuses the same keys. The storage format is implemented on top of these operations by
 * the core; an implementation only moves bytes.
 *
 * <p>Implementations must be thread-safe. Methods throw {@link IOException} when the store cannot answer
 * (unreachable, access denied, timed out); a missing object is not an error for {@link #read} and {@link
 * #list}.
 */
public interface ModelStore extends AutoCloseable {

  /**
   * Reads a small object (a pointer, a manifest, metadata) whole, conditionally.
   *
   * @param key the object's key
   * @param ifNoneMatch the tag of a previous read; when the object still has this tag the store answers
   *     {@link ObjectRead#notModified()} without transferring the content
   * @return the content and its tag, or missing, or not modified
   */
  ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException;

  /**
   * Opens an object for streaming; the caller closes the stream.
   *
   * @throws java.nio.file.NoSuchFileException if the object does not exist
   */
  InputStream open(String key) throws IOException;

  /**
   * Lists what is directly inside a folder: its objects (with sizes) and its sub-folders. An empty or
   * absent folder gives an empty listing.
   *
   * @param folder a folder key without trailing slash, for example {@code t20_win_predictor/v3}
   */
  Listing list(String folder) throws IOException;

  /** A description for logs and error messages, without credentials, for example {@code s3://bucket/models}. */
  default String description() {
    return getClass().getSimpleName();
  }

  /**
   * The key prefix this store adds in front of every key, if it has one ({@code models} for an S3 store
   * rooted at {@code s3://bucket/models}). Pointers that carry an {@code s3_prefix} must name a folder
   * under it.
   */
  default Optional<String> keyPrefix() {
    return Optional.empty();
  }

  /**
   * The S3 bucket this store reads, if it is on S3. A pointer whose {@code s3_prefix} is a full {@code
   * s3://bucket/...} URI must name this bucket, or the pointer is refused; stores that are not on a bucket
   * (a folder, the classpath) accept any bucket there, since a synchronized copy keeps the pointers of the
   * bucket it came from.
   */
  default Optional<String> bucketName() {
    return Optional.empty();
  }

  /** Releases what the store owns; a store never closes a client it was given. */
  @Override
  default void close() throws IOException {}
}
