package dev.modelregistry.internal;

import dev.modelregistry.Manifest;
import dev.modelregistry.ModelLoadException;
import dev.modelregistry.Names;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ModelStore;
import dev.modelregistry.spi.ObjectRead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the storage format from a {@link ModelStore}: pointers, version folders and their manifests. The
 * one place where what a store holds is interpreted, shared by the registry and the publisher.
 * Thread-safe if the store is.
 */
public final class StoreReader {

  private final ModelStore store;

  /** Reads from {@code store}. */
  public StoreReader(ModelStore store) {
    this.store = store;
  }

  /** The store read from. */
  public ModelStore store() {
    return store;
  }

  /** A description of a key for messages: {@code s3://bucket/models/t20/v3/model.ubj}. */
  public String where(String key) {
    String base = store.description();
    return base.endsWith("/") ? base + key : base + "/" + key;
  }

  /**
   * Reads a model's pointer, conditionally.
   *
   * @throws IOException if the store cannot answer
   */
  public PointerRead readPointer(String model, @Nullable String ifNoneMatch) throws IOException {
    ObjectRead read = store.read(StorageFormat.pointerKey(model), ifNoneMatch);
    if (read.status() != ObjectRead.Status.FOUND) {
      return new PointerRead(read.status(), null, null, null);
    }
    try {
      Pointer pointer = StorageFormat.parsePointer(model, read.content(), store.keyPrefix(), store.bucketName());
      return new PointerRead(read.status(), pointer, read.tag(), null);
    } catch (IllegalArgumentException e) {
      return new PointerRead(read.status(), null, read.tag(), e.getMessage() + " (" + where(StorageFormat.pointerKey(model)) + ")");
    }
  }

  /**
   * What a version folder holds: its manifest and files, or the listing of a folder without manifest.
   *
   * @throws ModelLoadException if the store has nothing for the version, or its manifest is invalid
   * @throws IOException if the store cannot answer
   */
  public VersionContents describe(String model, VersionId version) throws IOException {
    String manifestKey = StorageFormat.fileKey(model, version, StorageFormat.MANIFEST);
    ObjectRead read = store.read(manifestKey, null);
    if (read.status() == ObjectRead.Status.FOUND) {
      Manifest manifest;
      try {
        manifest = StorageFormat.parseManifest(model, version, read.content());
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException(model, version.value(),
            e.getMessage() + " (" + where(manifestKey) + "); the version is not loaded", e);
      }
      List<Listing.Entry> files = new ArrayList<>();
      for (Manifest.FileEntry file : manifest.files()) {
        files.add(new Listing.Entry(file.name(), file.size()));
      }
      return new VersionContents(version, VersionInfo.State.COMPLETE, manifest, read.content(), files);
    }
    String folder = StorageFormat.versionFolder(model, version);
    Listing listing = store.list(folder);
    if (!listing.refused().isEmpty()) {
      List<String> reasons = new ArrayList<>();
      listing.refused().forEach((name, why) -> reasons.add(Names.quote(name) + " in " + where(folder) + "/ is " + why));
      throw new ModelLoadException(model, version.value(),
          "the store refuses what it found in the version folder: " + String.join("; ", reasons)
              + "; the version is not loaded");
    }
    if (listing.objects().isEmpty()) {
      throw new ModelLoadException(model, version.value(),
          "the store has no such version (nothing under " + where(folder) + "/)");
    }
    if (listing.contains(StorageFormat.CLAIM)) {
      return new VersionContents(version, VersionInfo.State.INCOMPLETE, null, null, visible(listing));
    }
    List<Listing.Entry> files = visible(listing);
    for (Listing.Entry file : files) {
      if (!Names.isFileName(file.name())) {
        throw new ModelLoadException(model, version.value(),
            "the file " + Names.quote(file.name()) + " under " + where(folder)
                + "/ has a name this library refuses (one path segment of [A-Za-z0-9_.-] expected)");
      }
    }
    return new VersionContents(version, VersionInfo.State.UNVERIFIED, null, null, files);
  }

  /** The versions in a model's folder, in version order. */
  public List<VersionId> versions(String model) throws IOException {
    List<VersionId> versions = new ArrayList<>();
    for (String folder : store.list(StorageFormat.modelFolder(model)).folders()) {
      if (VersionId.isValid(folder)) {
        versions.add(VersionId.of(folder));
      }
    }
    versions.sort(null);
    return versions;
  }

  /** Reads a small object whole, if it exists. */
  public Optional<byte[]> readIfPresent(String key) throws IOException {
    ObjectRead read = store.read(key, null);
    return read.status() == ObjectRead.Status.FOUND ? Optional.of(read.content()) : Optional.empty();
  }

  private static List<Listing.Entry> visible(Listing listing) {
    return listing.objects().stream().filter(o -> !o.name().startsWith(".")).toList();
  }

  /**
   * A pointer read.
   *
   * @param status what the store answered
   * @param pointer the parsed pointer, when found and valid
   * @param tag the tag to pass to the next conditional read, when found
   * @param malformed why the pointer was refused, when found but invalid
   */
  public record PointerRead(
      ObjectRead.Status status, @Nullable Pointer pointer, @Nullable String tag, @Nullable String malformed) {}

  /**
   * A version folder.
   *
   * @param version the version
   * @param state complete (has a manifest), unverified (no manifest) or incomplete (claimed, no manifest)
   * @param manifest the manifest, when complete
   * @param manifestBytes the manifest as stored, when complete
   * @param files the files to download: from the manifest, or the folder listing without hidden objects
   */
  public record VersionContents(
      VersionId version,
      VersionInfo.State state,
      @Nullable Manifest manifest,
      byte @Nullable [] manifestBytes,
      List<Listing.Entry> files) {}
}
