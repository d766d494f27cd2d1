package dev.modelregistry.filesystem;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.StoreKeys;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 *
 * <p><b>Nothing outside the root, nothing but regular files.</b> The files in the folder are written by
 * others (scripts, {@code rsync}, a volume mount), so every key is checked with {@link StoreKeys} and then
 * resolved on disk before anything is opened:
 *
 * <ul>
 *   <li>A symbolic link is followed only if it resolves inside the root (compared by real path, so a root
 *       that is itself a link, or a mount, works). Links inside the root are common and harmless: a
 *       Kubernetes ConfigMap or Secret volume is made of them ({@code latest.json -> ..data/latest.json}),
 *       and a publisher may link an unchanged artifact to the previous version's copy; the store serves
 *       nothing a reader of the folder could not already get. A link that leads outside the root (to
 *       {@code /etc}, to {@code /dev/zero}, to another tenant's folder), or a version folder that is such a
 *       link, is refused with a message naming the key and where it leads.
 *   <li>Only regular files are opened: a named pipe (which would block the reader until a writer appears),
 *       a device or a socket is refused from its attributes, read without following links, before it is
 *       opened. {@link #list} reports neither such entries nor links out of the root as objects or
 *       folders; it names them in {@link Listing#refused()}, so a version holding one is refused with the
 *       reason.
 *   <li>Every read is bounded: {@link #read} (pointers, manifests, history records) refuses a file larger
 *       than {@link Builder#maxReadSize} (16 MiB by default, as the S3 store) before reading it, and
 *       {@link #open} refuses an artifact larger than {@link Builder#maxArtifactSize} (16 GiB by default)
 *       and fails a stream that grows past it. The registry further bounds each download by the size the
 *       manifest gives, or, for a version without one, by the size this store listed.
 *   <li>Writes go only to folders inside the root: a model or version folder that is a link out of the
 *       root is refused before anything is created in it.
 * </ul>
 *
 * <p>These checks are for content that others got wrong or made hostile, not for a process that swaps
 * files while they are being opened: whoever can write the folder can publish any model anyway.
 */
public final class FilesystemModelStore implements WritableModelStore {

  /** The default of {@link Builder#maxReadSize}: 16 MiB. */
  public static final long DEFAULT_MAX_READ_SIZE = 16L * 1024 * 1024;
  /** The default of {@link Builder#maxArtifactSize}: 16 GiB. */
  public static final long DEFAULT_MAX_ARTIFACT_SIZE = 16L * 1024 * 1024 * 1024;

  /** The largest {@link Builder#maxReadSize}: what one byte array holds. */
  private static final long MAX_READ_SIZE_LIMIT = Integer.MAX_VALUE - 8;

  /** In-process locks per lock file: a {@link FileLock} is held per JVM, not per thread. */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  private final long maxReadSize;
  private final long maxArtifactSize;

  private FilesystemModelStore(Path root, long maxReadSize, long maxArtifactSize) {
    this.root = root;
    this.maxReadSize = maxReadSize;
    this.maxArtifactSize = maxArtifactSize;
  }

  /**
   * A store rooted at {@code root}, with the default limits. The folder need not exist yet: reads find
   * nothing, and the first write creates it.
   */
  public static FilesystemModelStore of(Path root) {
    return builder(root).build();
  }

  /** A builder of a store rooted at {@code root}, to set its limits. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /** The root folder. */
  public Path root() {
    return root;
  }

  /** The largest object {@link #read} takes whole, in bytes. */
  public long maxReadSize() {
    return maxReadSize;
  }

  /** The largest object {@link #open} streams, in bytes. */
  public long maxArtifactSize() {
    return maxArtifactSize;
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    byte[] content = readWhole(key);
    if (content == null) {
      return ObjectRead.missing();
    }
    String tag = sha256(content);
    return tag.equals(ifNoneMatch) ? ObjectRead.notModified() : ObjectRead.found(content, tag);
  }

  @Override
  public InputStream open(String key) throws IOException {
    Target target = inspect(key);
    if (target == null) {
      throw new NoSuchFileException(where(key), null, "no such file");
    }
    requireRegularFile(target);
    long size = target.attributes().size();
    if (size > maxArtifactSize) {
      throw new IOException(where(key) + " is " + size + " bytes, more than the " + maxArtifactSize
          + " bytes this store hands out (maxArtifactSize); the file was not opened. If it is a real model,"
          + " raise maxArtifactSize; if not (a sparse or runaway file), remove it");
    }
    InputStream in = Files.newInputStream(target.real(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    return new BoundedInputStream(in, maxArtifactSize, where(key));
  }

  @Override
  public Listing list(String folder) throws IOException {
    Path realRoot = realRoot();
    if (realRoot == null) {
      return Listing.EMPTY;
    }
    Path dir;
    if (folder.isEmpty()) {
      dir = realRoot;
    } else {
      Target target = inspect(folder);
      if (target == null || !target.attributes().isDirectory()) {
        return Listing.EMPTY;
      }
      dir = target.real();
    }
    List<String> folders = new ArrayList<>();
    List<Listing.Entry> objects = new ArrayList<>();
    Map<String, String> refused = new TreeMap<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        String name = child.getFileName().toString();
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attributes.isSymbolicLink()) {
            Path real = child.toRealPath();
            if (!real.startsWith(realRoot)) {
              refused.put(name, "a link to " + real + ", outside the store root " + realRoot);
              continue;
            }
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          }
        } catch (NoSuchFileException e) {
          if (Files.isSymbolicLink(child)) {
            refused.put(name, "a link to " + Files.readSymbolicLink(child) + ", which does not exist");
          }
          continue; // else deleted while listing
        }
        if (attributes.isDirectory()) {
          folders.add(name);
        } else if (attributes.isRegularFile()) {
          if (!isTemporary(name)) {
            objects.add(new Listing.Entry(name, attributes.size(), changeTag(attributes)));
          }
        } else {
          refused.put(name, kind(child) + ", not a regular file");
        }
      }
    } catch (NoSuchFileException e) {
      return Listing.EMPTY;
    }
    return new Listing(folders, objects, refused);
  }

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    Path target = writableTarget(key);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
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
    Path target = writableTarget(key);
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
    Path target = writableTarget(key);
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    ReentrantLock local = LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
    local.lock();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      byte[] currentContent = readWhole(key);
      String current = currentContent == null ? null : sha256(currentContent);
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

  /**
   * Deletes the file of {@code key} (a link itself, never what it leads to), then the folders it leaves
   * empty, up to the root.
   */
  @Override
  public void delete(String key) throws IOException {
    Path target = resolve(key);
    Path realRoot = realRoot();
    if (realRoot == null) {
      return;
    }
    Path parent = target.getParent();
    Path realParent;
    try {
      realParent = parent.toRealPath();
    } catch (NoSuchFileException e) {
      return;
    }
    if (!realParent.startsWith(realRoot)) {
      throw new IOException("cannot delete " + where(key) + ": its folder leads to " + realParent + " through a"
          + " symbolic link, outside the store root " + realRoot + "; nothing was deleted");
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot delete " + where(key) + ": it is a folder, not a file; nothing was deleted");
    }
    Files.deleteIfExists(target);
    for (Path folder = parent; !folder.equals(root); folder = folder.getParent()) {
      try {
        Files.delete(folder);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return; // still in use, or removed by another delete
      }
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

  /** The path of a key, which {@link StoreKeys} has checked; links are not resolved yet. */
  private Path resolve(String key) {
    return root.resolve(StoreKeys.requireSafeKey(key));
  }

  /** Where a key is, for messages. */
  private String where(String key) {
    return root + "/" + key;
  }

  /** The root's real path, or null while the root does not exist. */
  private @Nullable Path realRoot() throws IOException {
    try {
      return root.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * What a key leads to on disk, following links, or null if nothing is there.
   *
   * @throws IOException if it leads outside the root
   */
  private @Nullable Target inspect(String key) throws IOException {
    Path file = resolve(key);
    Path realRoot = realRoot();
    if (realRoot == null) {
      return null;
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!real.startsWith(realRoot)) {
      throw new IOException(where(key) + " leads to " + real + " through a symbolic link, outside the store root "
          + realRoot + "; the store serves nothing outside its root: put the file itself in the folder, or a"
          + " link to a file inside it");
    }
    return new Target(key, real, Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * A key's file on disk.
   *
   * @param key the key
   * @param real its real path, links resolved
   * @param attributes its attributes, read without following links
   */
  private record Target(String key, Path real, BasicFileAttributes attributes) {}

  /** Throws unless {@code target} is a regular file: checked before opening, as opening a named pipe blocks. */
  private Target requireRegularFile(Target target) throws IOException {
    if (target.attributes().isDirectory()) {
      throw new IOException(where(target.key()) + " is a folder, not a file; remove it or put the file in its place");
    }
    if (!target.attributes().isRegularFile()) {
      throw new IOException(where(target.key()) + " is " + kind(target.real()) + ", not a regular file; the store"
          + " opens only regular files (a named pipe would block the reader, a device never ends): replace it"
          + " with the file itself");
    }
    return target;
  }

  /**
   * Reads a small object whole, or returns null if it does not exist.
   *
   * @throws IOException if it is not a regular file inside the root, or larger than {@link #maxReadSize}
   */
  private byte @Nullable [] readWhole(String key) throws IOException {
    Target target = inspect(key);
    if (target == null) {
      return null;
    }
    requireRegularFile(target);
    long size = target.attributes().size();
    if (size > maxReadSize) {
      throw tooLargeToRead(key, Long.toString(size));
    }
    byte[] content;
    try (InputStream in = Files.newInputStream(target.real(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      content = in.readNBytes((int) maxReadSize + 1);
    } catch (NoSuchFileException e) {
      return null; // deleted since
    }
    if (content.length > maxReadSize) {
      throw tooLargeToRead(key, "more than " + maxReadSize);
    }
    return content;
  }

  private IOException tooLargeToRead(String key, String size) {
    return new IOException(where(key) + " is " + size + " bytes, more than the " + maxReadSize + " bytes this"
        + " store reads whole (maxReadSize); a pointer, manifest or history record is far smaller: check what"
        + " wrote it");
  }

  /**
   * The path of a key to write, after checking that its folder is inside the root and creating it. The
   * nearest existing ancestor is checked before anything is created, so no folder is made through a link
   * out of the root.
   */
  private Path writableTarget(String key) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(root);
    Path realRoot = root.toRealPath();
    Path existing = target.getParent();
    while (!existing.equals(root) && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    requireInside(key, existing.toRealPath(), realRoot);
    Files.createDirectories(target.getParent());
    requireInside(key, target.getParent().toRealPath(), realRoot);
    return target;
  }

  private void requireInside(String key, Path real, Path realRoot) throws IOException {
    if (!real.startsWith(realRoot)) {
      throw new IOException("cannot write " + where(key) + ": its folder leads to " + real + " through a symbolic"
          + " link, outside the store root " + realRoot + "; nothing was written");
    }
  }

  /** What a file that is neither a folder nor a regular file is, for messages. */
  private static String kind(Path file) {
    try {
      int type = ((Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
      switch (type) {
        case 0010000:
          return "a named pipe (FIFO)";
        case 0020000:
          return "a character device";
        case 0060000:
          return "a block device";
        case 0140000:
          return "a socket";
        default:
          break;
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      // no unix view: fall through to the generic answer
    }
    return "a special file";
  }

  /**
   * Changes whenever the file may have: its size, modification time and identity (inode). A file renamed
   * into place (as publishers, {@code cp} to a temporary name, {@code rsync} and editors do) always gets a
   * new inode; one overwritten in place at the same size within the file system's timestamp granularity
   * (a few milliseconds) keeps its tag.
   */
  private static String changeTag(BasicFileAttributes attributes) {
    return attributes.size() + "-" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)
        + (attributes.fileKey() == null ? "" : "-" + attributes.fileKey());
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

  /** A stream that fails once more than {@code limit} bytes came from it: a file that grows while read. */
  private static final class BoundedInputStream extends FilterInputStream {
    private final long limit;
    private final String where;
    private long count;

    BoundedInputStream(InputStream in, long limit, String where) {
      super(in);
      this.limit = limit;
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws IOException {
      count += n;
      if (count > limit) {
        throw new IOException(where + " grew past " + limit + " bytes (maxArtifactSize) while it was read");
      }
    }
  }

  /**
   * Configures a {@link FilesystemModelStore}. Each setting may be given once; a second call is an {@link
   * IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {

    private final Path root;
    private @Nullable Long maxReadSize;
    private @Nullable Long maxArtifactSize;

    private Builder(Path root) {
      this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * The largest file {@link FilesystemModelStore#read} takes whole: pointers, manifests, history records
     * and claims, which are a few kilobytes. A larger one is refused, with its key, size and this limit,
     * before it is read. Between 1 byte and 2 GiB - 8. Default: 16 MiB.
     */
    public Builder maxReadSize(long bytes) {
      requireUnset(maxReadSize, "maxReadSize");
      if (bytes < 1 || bytes > MAX_READ_SIZE_LIMIT) {
        throw new IllegalArgumentException(
            "maxReadSize must be between 1 and " + MAX_READ_SIZE_LIMIT + " bytes but was " + bytes);
      }
      this.maxReadSize = bytes;
      return this;
    }

    /**
     * The largest artifact {@link FilesystemModelStore#open} streams. A larger file is refused from its
     * size, before it is opened, and a stream that grows past the limit fails. At least 1 byte. Default: 16
     * GiB.
     */
    public Builder maxArtifactSize(long bytes) {
      requireUnset(maxArtifactSize, "maxArtifactSize");
      if (bytes < 1) {
        throw new IllegalArgumentException("maxArtifactSize must be at least 1 byte but was " + bytes);
      }
      this.maxArtifactSize = bytes;
      return this;
    }

    /** Builds the store. */
    public FilesystemModelStore build() {
      return new FilesystemModelStore(
          root,
          maxReadSize != null ? maxReadSize : DEFAULT_MAX_READ_SIZE,
          maxArtifactSize != null ? maxArtifactSize : DEFAULT_MAX_ARTIFACT_SIZE);
    }

    private static void requireUnset(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
