package dev.modelregistry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelregistry.Manifest;
import dev.modelregistry.ModelLoadException;
import dev.modelregistry.Names;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.spi.Listing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cache of versions: {@code <root>/<model>/<version>/} for versions from the store, {@code
 * <root>/<model>/bundled/<version>/} for bundled copies, and {@code <root>/<model>/last-good.json}.
 *
 * <p>A version is downloaded into {@code <root>/<model>/.staging/}, each file checked against the
 * manifest's size and SHA-256 as it streams, then moved into place with one atomic rename, so a folder
 * under its version name is always complete. Each folder records what was verified in {@code .cache.json};
 * a cached folder is re-checked against it before use, and discarded if it does not match. Thread-safe.
 * Two processes fetching the same version into one folder is safe (the second rename finds the first's
 * complete copy), but pruning assumes one registry per folder.
 */
final class LocalCache {

  private static final Logger log = LoggerFactory.getLogger(LocalCache.class);
  private static final String RECORD = ".cache.json";
  private static final String LAST_GOOD = "last-good.json";
  private static final String STAGING = ".staging";
  private static final String BUNDLED = "bundled";
  private static final Duration STALE_STAGING = Duration.ofHours(1);

  private final Path root;
  private final Clock clock;

  /**
   * Opens (creating if needed) the cache folder.
   *
   * @throws IllegalStateException if the folder cannot be created or written
   */
  LocalCache(Path root, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    try {
      Files.createDirectories(this.root);
      Path probe = Files.createTempFile(this.root, ".probe-", ".tmp");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException(
          "cache directory " + this.root + " is not writable (" + e.getClass().getSimpleName() + ": "
              + e.getMessage() + "); set cacheDirectory(...) to a folder this process can create and write",
          e);
    }
  }

  Path root() {
    return root;
  }

  /** Where the store's versions go, or the bundled ones. */
  enum Namespace {
    STORE,
    BUNDLED
  }

  /**
   * Returns the version from the cache if a verified copy is there, else downloads and verifies it.
   *
   * @throws ModelLoadException if the version is missing, incomplete, refused or fails verification
   * @throws IOException if the store fails while answering or transferring
   */
  CachedVersion fetch(StoreReader reader, String model, VersionId version, Namespace ns, boolean requireManifest)
      throws IOException {
    if (ns == Namespace.BUNDLED) {
      // Bundled copies are local and cheap to copy again; a new release may bundle other bytes under an old id.
      deleteRecursively(modelDir(model, ns).resolve(version.value()));
    }
    Optional<CachedVersion> cached = cached(model, version, ns, requireManifest);
    if (cached.isPresent() && cached.get().verified()) {
      return cached.get(); // a complete version is immutable: its verified copy is the version
    }
    StoreReader.VersionContents contents = reader.describe(model, version);
    if (cached.isPresent()) {
      // A version without a manifest may still be arriving (a script uploads files one by one) or be fixed
      // in place: reuse the copy only while the store lists exactly the files it has, with the same sizes
      // and change tags.
      if (contents.state() == VersionInfo.State.UNVERIFIED && sameFiles(contents.files(), cached.get())) {
        return cached.get();
      }
      log.debug("model {} {}: the store's files differ from the cached unverified copy; fetching again", model, version);
      deleteRecursively(cached.get().directory());
    }
    String folder = reader.where(StorageFormat.versionFolder(model, version)) + "/";
    if (contents.state() == VersionInfo.State.INCOMPLETE) {
      throw new ModelLoadException(model, version.value(),
          "is incomplete: a publisher claimed " + folder + " but has not written manifest.json yet (a publish"
              + " in progress, or one that failed); it is loaded once the manifest appears");
    }
    if (contents.state() == VersionInfo.State.UNVERIFIED && requireManifest) {
      throw new ModelLoadException(model, version.value(),
          "has no manifest.json under " + folder + " and this registry requires one (requireManifest);"
              + " publish it with ModelPublisher, or add a manifest");
    }
    refusePickles(model, version, contents.files().stream().map(Listing.Entry::name).toList());
    if (contents.state() == VersionInfo.State.UNVERIFIED) {
      log.warn("model {} {}: {} has no manifest.json, so its files cannot be verified; loading it unverified."
          + " Publish with ModelPublisher to get size and SHA-256 checks.", model, version, folder);
    }

    Path modelDir = modelDir(model, ns);
    Path stagingRoot = Files.createDirectories(root.resolve(model).resolve(STAGING));
    Path staging = Files.createTempDirectory(stagingRoot, version.value() + "-");
    try {
      List<Manifest.FileEntry> verified = new ArrayList<>();
      Map<String, String> changeTags = new TreeMap<>();
      long bytes = 0;
      for (Listing.Entry file : contents.files()) {
        Manifest.FileEntry expected = contents.manifest() == null
            ? null : contents.manifest().file(file.name()).orElseThrow();
        Manifest.FileEntry got = download(reader, model, version, file, staging, expected);
        verified.add(got);
        file.tag().ifPresent(tag -> changeTags.put(file.name(), tag));
        bytes += got.size();
      }
      if (contents.manifestBytes() != null) {
        Files.write(staging.resolve(StorageFormat.MANIFEST), contents.manifestBytes());
      }
      writeRecord(staging, model, version, contents.manifest() != null, verified, changeTags);
      Path target = modelDir.resolve(version.value());
      Files.createDirectories(modelDir);
      moveIntoPlace(staging, target);
      CachedVersion result =
          open(model, version, target, verified, changeTags, contents.manifest() != null, bytes);
      log.debug("model {} {}: {} bytes downloaded and verified into {}", model, version, bytes, target);
      return result;
    } finally {
      deleteRecursively(staging);
    }
  }

  /**
   * Whether the store lists the files of the cached copy: the same names and sizes, and the same change
   * tags where the store gives them (a copy recorded without a tag never matches a listing with one).
   */
  private static boolean sameFiles(List<Listing.Entry> listed, CachedVersion cached) {
    if (listed.size() != cached.entries().size()) {
      return false;
    }
    for (Listing.Entry file : listed) {
      boolean found = cached.entries().stream().anyMatch(c -> c.name().equals(file.name()) && c.size() == file.size())
          && file.tag().map(tag -> tag.equals(cached.changeTags().get(file.name()))).orElse(true);
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** The cached copy of a version, if present and still matching its record. */
  Optional<CachedVersion> cached(String model, VersionId version, Namespace ns, boolean requireManifest)
      throws IOException {
    Path dir = modelDir(model, ns).resolve(version.value());
    Path record = dir.resolve(RECORD);
    if (!Files.isRegularFile(record)) {
      if (Files.exists(dir)) {
        log.warn("model {} {}: cached folder {} has no {}; discarding it", model, version, dir, RECORD);
        deleteRecursively(dir);
      }
      return Optional.empty();
    }
    try {
      ObjectNode node = Json.object(record.toString(), Files.readAllBytes(record));
      boolean verified = node.path("verified").asBoolean(false);
      if (requireManifest && !verified) {
        return Optional.empty();
      }
      List<Manifest.FileEntry> files = new ArrayList<>();
      Map<String, String> changeTags = new TreeMap<>();
      for (JsonNode f : node.withArray("files")) {
        if (f.hasNonNull("change_tag")) {
          changeTags.put(f.path("name").asText(), f.path("change_tag").asText());
        }
        Manifest.FileEntry expected =
            new Manifest.FileEntry(f.path("name").asText(), f.path("size").asLong(), f.path("sha256").asText());
        Path file = dir.resolve(expected.name());
        if (!Files.isRegularFile(file)
            || Files.size(file) != expected.size()
            || !Sha256.of(file).equals(expected.sha256())) {
          throw new IllegalArgumentException(expected.name() + " no longer matches its recorded size and SHA-256");
        }
        files.add(expected);
      }
      return Optional.of(open(model, version, dir, files, changeTags, verified, 0));
    } catch (IllegalArgumentException | UncheckedIOException | ModelLoadException e) {
      log.warn("model {} {}: cached copy in {} is damaged ({}); discarding it", model, version, dir, e.getMessage());
      deleteRecursively(dir);
      return Optional.empty();
    }
  }

  /** The version recorded as last good for {@code model}, if any. */
  Optional<VersionId> lastGood(String model) {
    Path file = root.resolve(model).resolve(LAST_GOOD);
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      String version = Json.object(file.toString(), Files.readAllBytes(file)).path("version").asText("");
      return VersionId.isValid(version) ? Optional.of(VersionId.of(version)) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      log.warn("model {}: cannot read {} ({}); ignoring it", model, file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Records {@code version} as the last good version of {@code model}. */
  void recordLastGood(String model, VersionId version) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("version", version.value());
    node.put("recorded_at", Instant.now(clock).toString());
    try {
      writeAtomically(root.resolve(model).resolve(LAST_GOOD), Json.bytes(node));
    } catch (IOException e) {
      log.warn("model {}: could not record {} as last good version in the cache: {}", model, version, e.toString());
    }
  }

  /**
   * Deletes cached store versions of {@code model} beyond the {@code keep} newest, sparing {@code inUse}.
   * Also removes staging folders abandoned by a crashed process.
   */
  void prune(String model, int keep, Set<VersionId> inUse) {
    Path modelDir = root.resolve(model);
    try (Stream<Path> children = Files.list(modelDir)) {
      List<VersionId> versions = children
          .map(p -> p.getFileName().toString())
          .filter(VersionId::isValid)
          .map(VersionId::of)
          .sorted(Comparator.reverseOrder())
          .toList();
      for (int i = keep; i < versions.size(); i++) {
        VersionId v = versions.get(i);
        if (!inUse.contains(v)) {
          log.debug("model {} {}: removing from the cache (keeping the {} newest)", model, v, keep);
          deleteRecursively(modelDir.resolve(v.value()));
        }
      }
    } catch (IOException e) {
      log.warn("model {}: could not prune the cache: {}", model, e.toString());
    }
    Path staging = modelDir.resolve(STAGING);
    try (Stream<Path> stale = Files.isDirectory(staging) ? Files.list(staging) : Stream.empty()) {
      Instant cutoff = Instant.now().minus(STALE_STAGING);
      for (Path dir : stale.toList()) {
        if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
          deleteRecursively(dir);
        }
      }
    } catch (IOException e) {
      log.debug("model {}: could not clean {}: {}", model, staging, e.toString());
    }
  }

  // ------------------------------------------------------------------ internals

  private Path modelDir(String model, Namespace ns) {
    Path dir = root.resolve(Names.requireModelName(model));
    return ns == Namespace.BUNDLED ? dir.resolve(BUNDLED) : dir;
  }

  private static void refusePickles(String model, VersionId version, List<String> files) {
    for (String file : files) {
      if (Names.isPickle(file)) {
        throw new ModelLoadException(model, version.value(), Names.pickleRefusal(file));
      }
    }
  }

  private Manifest.FileEntry download(
      StoreReader reader,
      String model,
      VersionId version,
      Listing.Entry file,
      Path staging,
      Manifest.@Nullable FileEntry expected)
      throws IOException {
    String name = file.name();
    String key = StorageFormat.fileKey(model, version, name);
    Path target = staging.resolve(Names.requireFileName(name));
    // Never copy more than the manifest says, or, without one, than the store listed: a file that grows
    // while it is copied (or a device that never ends) is an error, not a download without end.
    long limit = expected != null ? expected.size() : file.size();
    Sha256.Copied copied;
    try (InputStream in = reader.store().open(key);
        OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
      copied = Sha256.copy(in, out, limit);
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(model, version.value(),
          (expected != null ? "manifest.json lists " + name + " but " : "")
              + reader.where(key) + " does not exist; the version is not loaded", e);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).startsWith("more than the expected")) {
        throw new ModelLoadException(model, version.value(), expected != null
            ? "manifest.json lists " + name + " with " + expected.size() + " bytes but " + reader.where(key)
                + " is larger; the version is not loaded"
            : reader.where(key) + " grew past its listed size of " + file.size() + " bytes while it was copied;"
                + " the version is not loaded (it is fetched again once its files stop changing)", e);
      }
      throw e;
    }
    if (expected != null
        && (copied.size() != expected.size() || !copied.sha256().equals(expected.sha256()))) {
      throw new ModelLoadException(model, version.value(),
          "manifest.json lists " + name + " with " + expected.size() + " bytes and sha256 "
              + expected.sha256().substring(0, 12) + "... but the downloaded file has " + copied.size()
              + " bytes and sha256 " + copied.sha256().substring(0, 12) + "...; the version was not loaded");
    }
    return new Manifest.FileEntry(name, copied.size(), copied.sha256());
  }

  private CachedVersion open(
      String model,
      VersionId version,
      Path dir,
      List<Manifest.FileEntry> files,
      Map<String, String> changeTags,
      boolean verified,
      long bytes)
      throws IOException {
    Manifest manifest = null;
    Path manifestFile = dir.resolve(StorageFormat.MANIFEST);
    if (verified && Files.isRegularFile(manifestFile)) {
      manifest = StorageFormat.parseManifest(model, version, Files.readAllBytes(manifestFile));
    }
    List<String> names = files.stream().map(Manifest.FileEntry::name).toList();
    List<String> features;
    Map<String, Double> metrics;
    try {
      features = manifest != null && !manifest.features().isEmpty()
          ? manifest.features()
          : names.contains(StorageFormat.SCHEMA)
              ? StorageFormat.parseSchema(StorageFormat.SCHEMA, Files.readAllBytes(dir.resolve(StorageFormat.SCHEMA)))
              : List.of();
      metrics = manifest != null && !manifest.metrics().isEmpty()
          ? manifest.metrics()
          : names.contains(StorageFormat.METRICS)
              ? StorageFormat.parseMetrics(StorageFormat.METRICS, Files.readAllBytes(dir.resolve(StorageFormat.METRICS)))
              : Map.of();
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(model, version.value(), e.getMessage() + "; the version is not loaded", e);
    }
    return new CachedVersion(
        model, version, dir, names, files, changeTags, manifest, features, metrics, verified, bytes);
  }

  private void writeRecord(
      Path dir,
      String model,
      VersionId version,
      boolean verified,
      List<Manifest.FileEntry> files,
      Map<String, String> changeTags)
      throws IOException {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("model", model);
    node.put("version", version.value());
    node.put("verified", verified);
    node.put("fetched_at", Instant.now(clock).toString());
    ArrayNode array = node.putArray("files");
    for (Manifest.FileEntry f : files) {
      ObjectNode file = array.addObject().put("name", f.name()).put("size", f.size()).put("sha256", f.sha256());
      if (changeTags.containsKey(f.name())) {
        file.put("change_tag", changeTags.get(f.name()));
      }
    }
    Files.write(dir.resolve(RECORD), Json.bytes(node));
  }

  private static void moveIntoPlace(Path staging, Path target) throws IOException {
    if (Files.exists(target)) {
      // A damaged copy that cached() discarded is gone; anything here now is another process's complete copy.
      return;
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      log.debug("{} was placed by another fetch first; using it", target);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cache folder " + target.getParent() + " does not support atomic renames", e);
    }
  }

  static void writeAtomically(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not delete {}: {}", path, e.toString());
    }
  }

  /**
   * A verified version in the cache.
   *
   * @param model the model
   * @param version the version
   * @param directory its folder
   * @param files its file names (without the manifest and the cache record)
   * @param entries its files with their sizes and SHA-256, as verified or recorded
   * @param changeTags the store's change tags of its files when they were fetched, by name, where it gave them
   * @param manifest its manifest, if it was published with one
   * @param features from the schema
   * @param metrics from the metrics
   * @param verified whether the files were checked against a manifest
   * @param bytesDownloaded bytes transferred from the store to get it (0 for a cache hit)
   */
  record CachedVersion(
      String model,
      VersionId version,
      Path directory,
      List<String> files,
      List<Manifest.FileEntry> entries,
      Map<String, String> changeTags,
      @Nullable Manifest manifest,
      List<String> features,
      Map<String, Double> metrics,
      boolean verified,
      long bytesDownloaded) {}
}
