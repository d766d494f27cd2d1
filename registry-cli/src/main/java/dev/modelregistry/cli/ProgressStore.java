package dev.modelregistry.cli;

import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A store that reports the progress of the files written through it; everything else is the store's own. */
final class ProgressStore implements WritableModelStore {

  private final WritableModelStore store;
  private final Progress progress;

  ProgressStore(WritableModelStore store, Progress progress) {
    this.store = store;
    this.progress = progress;
  }

  @Override
  public void write(String key, InputStream content, long length) throws IOException {
    store.write(key, progress.track("uploading", key, length, content), length);
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    return store.read(key, ifNoneMatch);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return store.open(key);
  }

  @Override
  public Listing list(String folder) throws IOException {
    return store.list(folder);
  }

  @Override
  public boolean create(String key, byte[] content) throws IOException {
    return store.create(key, content);
  }

  @Override
  public boolean replace(String key, byte[] content, @Nullable String expectedTag) throws IOException {
    return store.replace(key, content, expectedTag);
  }

  @Override
  public void delete(String key) throws IOException {
    store.delete(key);
  }

  @Override
  public String description() {
    return store.description();
  }

  @Override
  public Optional<String> keyPrefix() {
    return store.keyPrefix();
  }
}
