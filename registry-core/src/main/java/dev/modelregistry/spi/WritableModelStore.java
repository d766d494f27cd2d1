package dev.modelregistry.spi;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * A store that a publisher can write to. The first three operations are what the publishing protocol needs
 * to be safe with several publishers at once: create-only writes claim version numbers and history records,
 * and compare-and-set moves the pointer, so no publisher overwrites another's work. The fourth, {@link
 * #delete}, is what retention needs to remove old versions; the core deletes a version only after a
 * create-only deletion marker and a compare-and-set on the pointer have made sure nothing points to it.
 *
 * <p>Implementations must be thread-safe and safe across processes.
 */
public interface WritableModelStore extends ModelStore {

  /**
   * Creates an object only if no object has the key (S3 {@code If-None-Match: *}, an exclusive create on
   * disk). Readers never see a partly written object.
   *
   * @return true if this call created it, false if it already existed
   */
  boolean create(String key, byte[] content) throws IOException;

  /**
   * Writes an object, replacing any previous content; readers see the old or the new content, never a
   * mix. Used for artifacts inside a version folder that this publisher has claimed.
   *
   * @param length the exact number of bytes {@code content} will give
   */
  void write(String key, InputStream content, long length) throws IOException;

  /**
   * Replaces an object only if it still has the tag {@code expectedTag} (S3 {@code If-Match}, a lock and
   * an atomic rename on disk).
   *
   * @param expectedTag the tag from {@link #read}, or null to require that the object does not exist
   * @return true if this call replaced it, false if the object changed (or appeared) since it was read
   */
  boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException;

  /**
   * Deletes an object if it exists; deleting a missing object is not an error. Readers see the object or
   * nothing, never part of it. A folder left empty disappears from {@link #list}.
   */
  void delete(String key) throws IOException;
}
