package dev.modelregistry.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What is directly inside a store folder. Immutable.
 *
 * @param folders the names of the sub-folders, one path segment each
 * @param objects the objects, with names of one path segment
 */
public record Listing(List<String> folders, List<Entry> objects) {

  /** An empty folder. */
  public static final Listing EMPTY = new Listing(List.of(), List.of());

  /** Copies. */
  public Listing {
    folders = List.copyOf(folders);
    objects = List.copyOf(objects);
  }

  /** Whether the folder has neither objects nor sub-folders. */
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
   */
  public record Entry(String name, long size) {

    /** Checks. */
    public Entry {
      requireNonNull(name, "name");
    }
  }
}
