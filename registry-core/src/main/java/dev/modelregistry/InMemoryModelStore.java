package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.Sha256;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.StoreKeys;
import dev.modelregistry.spi.WritableModelStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A writable store in memory: for tests of services that use a registry, for demos, and as the reference
 * implementation of the store SPI. Counts its requests and the bytes it hands out, so tests can check that
 * an unchanged poll transfers nothing. Thread-safe; the conditional operations are atomic.
 */
public final class InMemoryModelStore implements WritableModelStore {

  private record Entry(byte[] content, String tag) {}

  private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesServed = new AtomicLong();
  private final String description;

  /** An empty store. */
  public InMemoryModelStore() {
    this("memory");
  }

  /** An empty store with a description for messages. */
  public InMemoryModelStore(String description) {
    this.description = requireNonNull(description, "description");
  }

  /** Requests answered so far. */
  public long requests() {
    return requests.get();
  }

  /** Content bytes handed out by {@link #read} and {@link #open} so far. */
  public long bytesServed() {
    return bytesServed.get();
  }

  /** Writes an object directly, as a script would (no conditions). */
  public void put(String key, byte[] content) {
    objects.put(key, entry(content));
  }

  /** Deletes an object, if present. */
  @Override
  public void delete(String key) {
    enter(key);
    objects.remove(key);
  }

  /** The content of an object, if present. */
  public byte @Nullable [] get(String key) {
    Entry e = objects.get(key);
    return e == null ? null : e.content.clone();
  }

  /** The keys of every object, in order. */
  public List<String> keys() {
    return List.copyOf(objects.keySet());
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    enter(key);
    Entry e = objects.get(key);
    if (e == null) {
      return ObjectRead.missing();
    }
    if (e.tag.equals(ifNoneMatch)) {
      return ObjectRead.notModified();
    }
    bytesServed.addAndGet(e.content.length);
    return ObjectRead.found(e.content, e.tag);
  }

  @Override
  public InputStream open(String key) throws IOException {
    enter(key);
    Entry e = objects.get(key);
    if (e == null) {
      throw new NoSuchFileException(key);
    }
    bytesServed.addAndGet(e.content.length);
    return new ByteArrayInputStream(e.content);
  }

  @Override
  public Listing list(String folder) throws IOException {
    if (folder.isEmpty()) {
      requests.incrementAndGet(); // the root
    } else {
      enter(folder);
    }
    String prefix = folder.isEmpty() ? "" : folder + "/";
    TreeSet<String> folders = new TreeSet<>();
    Map<String, Entry> files = new TreeMap<>();
    for (Map.Entry<String, Entry> e : objects.tailMap(prefix).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      String rest = e.getKey().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash >= 0) {
        folders.add(rest.substring(0, slash));
      } else {
        files.put(rest, e.getValue());
      }
    }
    List<Listing.Entry> entries = new ArrayList<>();
    files.forEach((name, e) -> entries.add(new Listing.Entry(name, e.content.length, e.tag)));
    return new Listing(List.copyOf(folders), entries);
  }

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    enter(key);
    return objects.putIfAbsent(key, entry(content)) == null;
  }

  @Override
  public void write(String key, InputStream content, long length) throws IOException {
    enter(key);
    byte[] bytes = content.readAllBytes();
    if (bytes.length != length) {
      throw new IOException("write of " + key + ": expected " + length + " bytes but got " + bytes.length);
    }
    objects.put(key, entry(bytes));
  }

  @Override
  public boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException {
    enter(key);
    Entry next = entry(content);
    if (expectedTag == null) {
      return objects.putIfAbsent(key, next) == null;
    }
    Entry current = objects.get(key);
    return current != null && current.tag.equals(expectedTag) && objects.replace(key, current, next);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "InMemoryModelStore[" + description + ", " + objects.size() + " objects]";
  }

  private void enter(String key) {
    requests.incrementAndGet();
    StoreKeys.requireSafeKey(key);
  }

  private static Entry entry(byte[] content) {
    byte[] copy = content.clone();
    return new Entry(copy, Sha256.of(copy));
  }
}
