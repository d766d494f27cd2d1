package dev.modelregistry.cli;

import dev.modelregistry.Manifest;
import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Names;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.internal.StorageFormat;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the read commands show, read through the core's {@link StoreReader} and {@link ModelPublisher},
 * so the tool sees a store exactly as a registry and a publisher do.
 */
final class Catalog {

  private final WritableModelStore store;
  private final StoreReader reader;
  private final ModelPublisher publisher;

  Catalog(WritableModelStore store) {
    this.store = store;
    this.reader = new StoreReader(store);
    this.publisher = ModelPublisher.on(store);
  }

  ModelPublisher publisher() {
    return publisher;
  }

  StoreReader reader() {
    return reader;
  }

  /** Every model under the root: a folder with a valid model name holding a pointer or version folders. */
  List<String> models() throws IOException {
    List<String> models = new ArrayList<>();
    for (String folder : store.list("").folders()) {
      if (Names.isModelName(folder) && isModel(store.list(folder))) {
        models.add(folder);
      }
    }
    return models;
  }

  private static boolean isModel(Listing listing) {
    return listing.contains(StorageFormat.POINTER) || listing.folders().stream().anyMatch(VersionId::isValid);
  }

  /** The model's pointer, refusing a model the store does not have. */
  Optional<Pointer> requireModel(String model) throws IOException {
    Names.requireModelName(model);
    if (!isModel(store.list(StorageFormat.modelFolder(model)))) {
      throw CliException.notFound("model " + model + " is not in " + store.description()
          + " (no latest.json and no version folders under " + model + "/)");
    }
    return publisher.pointer(model);
  }

  /** One version, refusing a version the store does not have (or whose manifest is unreadable). */
  VersionInfo requireVersion(String model, VersionId version) throws IOException {
    Optional<VersionInfo> info = publisher.version(model, version.value());
    if (info.isPresent()) {
      return info.get();
    }
    if (store.list(StorageFormat.versionFolder(model, version)).isEmpty()) {
      throw CliException.notFound("model " + model + " has no version " + version + " in " + store.description());
    }
    contents(model, version); // says what is wrong with it
    throw CliException.refused("model " + model + " " + version + " cannot be read", null);
  }

  /** The contents of a version: its manifest, or the listing of its folder, with file sizes. */
  StoreReader.VersionContents contents(String model, VersionId version) throws IOException {
    try {
      return reader.describe(model, version);
    } catch (ModelLoadException e) {
      throw CliException.refused(e.getMessage(), e);
    }
  }

  /** The bytes a version's files take. */
  long size(VersionInfo info) throws IOException {
    if (info.manifest() != null) {
      return info.manifest().files().stream().mapToLong(Manifest.FileEntry::size).sum();
    }
    return store.list(StorageFormat.versionFolder(info.model(), info.version())).objects().stream()
        .filter(o -> !o.name().startsWith("."))
        .mapToLong(Listing.Entry::size)
        .sum();
  }

  /** {@code serving}, {@code previous} or null: what the pointer says of {@code version}. */
  static @Nullable String role(@Nullable Pointer pointer, VersionId version) {
    if (pointer == null) {
      return null;
    }
    if (pointer.version().equals(version)) {
      return "serving";
    }
    return version.equals(pointer.previous()) ? "previous" : null;
  }

  static String state(VersionInfo.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /** The pointer as JSON fields. */
  static Map<String, Object> pointerJson(Pointer pointer) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", pointer.version().value());
    out.put("previous", pointer.previous() == null ? null : pointer.previous().value());
    out.put("updated_at", pointer.updatedAt());
    out.put("updated_by", pointer.updatedBy());
    out.put("reason", pointer.reason());
    out.put("sequence", pointer.sequence());
    if (pointer.canary() != null) {
      out.put("canary", Map.of("version", pointer.canary().version().value(), "percent", pointer.canary().percent()));
    }
    if (pointer.shadow() != null) {
      out.put("shadow", Map.of("version", pointer.shadow().version().value(), "sample", pointer.shadow().sample()));
    }
    return out;
  }
}
