package dev.modelregistry.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is directly inside a store folder. Immutable.
 *
 * @param folders the names of the sub-folders, one path segment each
 * @param objects the objects, with names of one path segment
 * @param refused what the store found in the folder but will not serve, by name, each with the reason (a
 *     link out of the store's root, a named pipe, a device): never listed as objects or folders, but named
 *     here so that a version holding one is refused with a message that says why
 */
public record Listing(List<String> folders, List<Entry> objects, Map<String, String> refused) {

  /** An empty folder. */
  public static final Listing EMPTY = new Listing(List.of(), List.of());

  /** Copies. */
  public Listing {
    folders = List.copyOf(folders);
    objects = List.copyOf(objects);
    refused = Map.copyOf(refused);
  }

  /** A folder in which the store refused nothing. */
  public Listing(List<String> folders, List<Entry> objects) {
    this(folders, objects, Map.of());
  }

  /** Whether the folder has neither objects nor sub-folders (refused entries do not count). */
  public boolean isEmpty() {
    return folders.isEmpty() && objects.isEmpty();
  }

  /** Whether an object named {@code name} is in the folder. */
  public boolean contains(String name) {
    return objects.stream().anyMatch(o -> o.name().equals(name));
  }

  /**
   * One object of a folder.
   *
   * @param name the object's name inside the folder
   * @param size its size in bytes
   * @param changeTag a value that changes whenever the object's content may have changed, even to content of
   *     the same size (an S3 ETag, a file's modification time and identity, a content hash), or null if the
   *     store has none; the cache uses it to tell a rewritten file from the copy it has
   */
  public record Entry(String name, long size, @Nullable String changeTag) {

    /** Checks. */
    public Entry {
      requireNonNull(name, "name");
    }

    /** An object without a change tag. */
    public Entry(String name, long size) {
      this(name, size, null);
    }

    /** The change tag, if the store gives one. */
    public Optional<String> tag() {
      return Optional.ofNullable(changeTag);
    }
  }
}
