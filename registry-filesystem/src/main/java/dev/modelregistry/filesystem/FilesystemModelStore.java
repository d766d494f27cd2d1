package dev.modelregistry.filesystem;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.Names;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.StoreKeys;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A store on a local or mounted folder (NFS, EFS, a shared volume), for serving and for publishing. The
 * folder holds the storage format as is: {@code <root>/<model>/latest.json}, {@code <root>/<model>/v1/…}.
 * Thread-safe, and safe with several processes writing to the same folder.
 *
 * <ul>
 *   <li>Reads: a tag is the SHA-256 of the content, so a change is detected whatever wrote the file (an
 *       editor, {@code cp}, a script); the pointer is a few bytes, and a conditional read returns
 *       not-modified when its hash is unchanged.
 *   <li>Writes go to a temporary file in the same folder, are flushed to disk, and are renamed into place
 *       atomically: readers see the old or the new content, never a mix.
 *   <li>{@link #create}: a hard link from the temporary file, which fails atomically if the target exists
 *       (falling back to an exclusive create on file systems without hard links).
 *   <li>{@link #replace} (the pointer's compare-and-set): an exclusive {@link FileLock} on {@code
 *       <file>.lock}, held while the current content is compared and the new one renamed into place.
 *       Lock files stay behind; they are empty and harmless.
 * </ul>
 */
public final class FilesystemModelStore implements WritableModelStore {

  /** In-process locks per lock file: a {@link FileLock} is held per JVM, not per thread. */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path root;

  private FilesystemModelStore(Path root) {
    this.root = root;
  }

  /**
   * A store rooted at {@code root}. The folder need not exist yet: reads find nothing, and the first write
   * creates it.
   */
  public static FilesystemModelStore of(Path root) {
    requireNonNull(root, "root");
    return new FilesystemModelStore(root.toAbsolutePath().normalize());
  }

  /** The root folder. */
  public Path root() {
    return root;
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    Path file = resolve(key);
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return ObjectRead.missing();
    }
    String tag = sha256(content);
    return tag.equals(ifNoneMatch) ? ObjectRead.notModified() : ObjectRead.found(content, tag);
  }

  @Override
  public InputStream open(String key) throws IOException {
    Path file = resolve(key);
    if (Files.isDirectory(file)) {
      throw new NoSuchFileException(file.toString(), null, "is a folder");
    }
    return Files.newInputStream(file);
  }

  @Override
  public Listing list(String folder) throws IOException {
    Path dir = folder.isEmpty() ? root : resolve(folder);
    if (!Files.isDirectory(dir)) {
      return Listing.EMPTY;
    }
    List<String> folders = new ArrayList<>();
    List<Listing.Entry> objects = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        String name = child.getFileName().toString();
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted while listing
        }
        if (attributes.isDirectory()) {
          folders.add(name);
        } else if (attributes.isRegularFile() && !isTemporary(name)) {
          objects.add(new Listing.Entry(name, attributes.size()));
        }
      }
    } catch (NoSuchFileException e) {
      return Listing.EMPTY;
    }
    return new Listing(folders, objects);
  }

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    Path target = resolve(key);
    if (Files.exists(target)) {
      return false;
    }
    Path tmp = writeTemporary(target, content);
    try {
      Files.createLink(target, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (e instanceof FileAlreadyExistsException) {
        return false;
      }
      return createExclusively(target, content);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void write(String key, InputStream content, long length) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "-" + target.getFileName());
    try {
      long copied;
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        copied = content.transferTo(out);
      }
      if (copied != length) {
        throw new IOException("write of " + key + ": expected " + length + " bytes but got " + copied);
      }
      force(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    ReentrantLock local = LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
    local.lock();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      String current;
      try {
        current = sha256(Files.readAllBytes(target));
      } catch (NoSuchFileException e) {
        current = null;
      }
      if (expectedTag == null ? current != null : !expectedTag.equals(current)) {
        return false;
      }
      Path tmp = writeTemporary(target, content);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return true;
    } finally {
      local.unlock();
    }
  }

  @Override
  public String description() {
    return root.toString();
  }

  @Override
  public String toString() {
    return "FilesystemModelStore[" + root + "]";
  }

  // ------------------------------------------------------------------ internals

  /**
   * The path of a key, refusing anything that could leave the root: absolute keys, {@code ..}, backslashes,
   * empty segments, control characters.
   */
  private Path resolve(String key) {
    return root.resolve(StoreKeys.requireSafeKey(key));
  }

  private static Path writeTemporary(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "-" + target.getFileName());
    Files.write(tmp, content);
    force(tmp);
    return tmp;
  }

  private static boolean createExclusively(Path target, byte[] content) throws IOException {
    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(content);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static boolean isTemporary(String name) {
    return name.startsWith(".tmp-") || name.endsWith(".lock");
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
