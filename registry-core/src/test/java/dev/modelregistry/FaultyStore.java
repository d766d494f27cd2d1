package dev.modelregistry;

import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Wraps a store and fails requests on demand: offline, or failing keys that match a predicate. */
final class FaultyStore implements WritableModelStore {

  @FunctionalInterface
  interface Fault {
    @Nullable IOException check(String operation, String key);
  }

  private final WritableModelStore delegate;
  private volatile @Nullable Fault fault;
  private volatile @Nullable String bucket;
  private volatile java.util.function.BiFunction<String, InputStream, InputStream> opened = (key, in) -> in;
  final AtomicInteger pointerReads = new AtomicInteger();

  FaultyStore(WritableModelStore delegate) {
    this.delegate = delegate;
  }

  void offline(boolean offline) {
    fault = offline ? (op, key) -> new IOException("store unreachable (simulated)") : null;
  }

  void failWith(@Nullable Fault fault) {
    this.fault = fault;
  }

  /** Runs before every request: may block, or throw anything (an {@code Error} included). */
  @FunctionalInterface
  interface Hook {
    void before(String operation, String key) throws IOException;
  }

  private volatile @Nullable Hook hook;

  void hook(@Nullable Hook hook) {
    this.hook = hook;
  }

  /** Hands out what {@code opened} makes of each opened stream: a file that grows while it is read. */
  void onOpen(java.util.function.BiFunction<String, InputStream, InputStream> opened) {
    this.opened = opened;
  }

  /** Reports {@code bucket} as the store's bucket, as an S3 store does. */
  void onBucket(String bucket) {
    this.bucket = bucket;
  }

  @Override
  public java.util.Optional<String> bucketName() {
    return java.util.Optional.ofNullable(bucket);
  }

  private void check(String operation, String key) throws IOException {
    Hook h = hook;
    if (h != null) {
      h.before(operation, key);
    }
    Fault f = fault;
    IOException e = f == null ? null : f.check(operation, key);
    if (e != null) {
      throw e;
    }
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    if (key.endsWith("/latest.json")) {
      pointerReads.incrementAndGet();
    }
    check("read", key);
    return delegate.read(key, ifNoneMatch);
  }

  @Override
  public InputStream open(String key) throws IOException {
    check("open", key);
    return opened.apply(key, delegate.open(key));
  }

  @Override
  public Listing list(String folder) throws IOException {
    check("list", folder);
    return delegate.list(folder);
  }

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    check("create", key);
    return delegate.create(key, content);
  }

  @Override
  public void write(String key, InputStream content, long length) throws IOException {
    check("write", key);
    delegate.write(key, content, length);
  }

  @Override
  public boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException {
    check("replace", key);
    return delegate.replace(key, content, expectedTag);
  }

  @Override
  public void delete(String key) throws IOException {
    check("delete", key);
    delegate.delete(key);
  }

  @Override
  public String description() {
    return "faulty:" + delegate.description();
  }
}
