package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.Governance;
import dev.modelregistry.internal.Sha256;
import dev.modelregistry.internal.StorageFormat;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only view of what a store holds: models, versions with their states and metrics, pointer history,
 * run log and policy, and the verification of a version against its manifest. Needs only a readable store;
 * {@link ModelPublisher} uses one for everything it reads. Thread-safe if the store is; holds no state of
 * its own, so every call reads the store.
 *
 * <pre>{@code
 * ModelCatalog catalog = ModelCatalog.of(store);
 * for (VersionStatus v : catalog.versions("t20_win_predictor")) {
 *   System.out.println(v.version() + " " + v.states() + " " + v.info().metrics());
 * }
 * }</pre>
 */
public final class ModelCatalog {

  private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

  /** The most run records {@link #runs} reads: the newest ones. */
  public static final int MAX_RUNS = 1000;

  private final ModelStore store;
  private final StoreReader reader;

  private ModelCatalog(ModelStore store) {
    this.store = store;
    this.reader = new StoreReader(store);
  }

  /** A catalog of {@code store}. */
  public static ModelCatalog of(ModelStore store) {
    return new ModelCatalog(requireNonNull(store, "store"));
  }

  /**
   * The models in the store, by name: the folders under the root with a model's name that hold a pointer
   * or a version. Folders starting with {@code _} ({@code _experiments}) are not models.
   */
  public List<String> models() {
    try {
      List<String> models = new ArrayList<>();
      for (String folder : store.list("").folders()) {
        if (folder.startsWith("_") || !Names.isModelName(folder)) {
          continue;
        }
        Listing listing = store.list(folder);
        if (listing.contains(StorageFormat.POINTER) || listing.folders().stream().anyMatch(VersionId::isValid)) {
          models.add(folder);
        }
      }
      models.sort(null);
      return models;
    } catch (IOException e) {
      throw new StorageException("listing the models of " + store.description() + " failed: " + e.getMessage(), null, e);
    }
  }

  /**
   * The pointer of {@code model}, if it has one.
   *
   * @throws StorageException if the store fails or the pointer is malformed
   */
  public Optional<Pointer> pointer(String model) {
    Names.requireModelName(model);
    try {
      StoreReader.PointerRead read = reader.readPointer(model, null);
      if (read.malformed() != null) {
        throw new StorageException(read.malformed(), model, null);
      }
      return Optional.ofNullable(read.pointer());
    } catch (IOException e) {
      throw new StorageException("model " + model + ": reading the pointer failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * Every version of {@code model}, oldest first, with its states. A version whose folder is refused (an
   * invalid manifest, a file this library refuses) is left out, with a DEBUG line.
   */
  public List<VersionStatus> versions(String model) {
    Names.requireModelName(model);
    Optional<Pointer> pointer = pointer(model);
    try {
      Set<VersionId> archived = archived(model);
      Set<VersionId> refused = refusedByRuns(model);
      VersionId previous = pointer.isPresent() ? rollbackTarget(model, pointer.get()).orElse(null) : null;
      TreeSet<VersionId> all = new TreeSet<>(reader.versions(model));
      all.addAll(archived);
      List<VersionStatus> out = new ArrayList<>();
      for (VersionId version : all) {
        Optional<VersionInfo> info;
        try {
          info = info(model, version);
        } catch (ModelLoadException e) {
          log.debug("model {} {}: skipped in the listing: {}", model, version, e.getMessage());
          continue;
        }
        EnumSet<VersionState> states = EnumSet.noneOf(VersionState.class);
        info.ifPresent(i -> states.add(switch (i.state()) {
          case COMPLETE -> VersionState.COMPLETE;
          case UNVERIFIED -> VersionState.UNVERIFIED;
          case INCOMPLETE -> VersionState.INCOMPLETE;
        }));
        if (archived.contains(version)) {
          states.add(VersionState.ARCHIVED);
        }
        if (pointer.isPresent()) {
          Pointer p = pointer.get();
          if (p.version().equals(version)) {
            states.add(VersionState.SERVING);
          }
          if (p.canary() != null && p.canary().version().equals(version)) {
            states.add(VersionState.CANARY);
          }
          if (p.shadow() != null && p.shadow().version().equals(version)) {
            states.add(VersionState.SHADOW);
          }
        }
        if (version.equals(previous)) {
          states.add(VersionState.PREVIOUS);
        }
        if (refused.contains(version) && !states.contains(VersionState.SERVING)
            && !states.contains(VersionState.CANARY)) {
          states.add(VersionState.REFUSED);
        }
        out.add(new VersionStatus(info.orElseGet(() -> new VersionInfo(model, version, VersionInfo.State.INCOMPLETE,
            null, List.of(), Map.of(), List.of())), states));
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": listing versions failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * What the folder of one version holds, or empty if the store has nothing for it.
   *
   * @throws ModelLoadException if its manifest is invalid or it holds a file this library refuses
   */
  public Optional<VersionInfo> version(String model, String version) {
    Names.requireModelName(model);
    VersionId id = VersionId.of(version);
    try {
      return info(model, id);
    } catch (IOException e) {
      throw new StorageException("model " + model + " " + version + ": reading it failed: " + e.getMessage(), model, e);
    }
  }

  Optional<VersionInfo> info(String model, VersionId version) throws IOException {
    StoreReader.VersionContents c;
    try {
      c = reader.describe(model, version);
    } catch (ModelLoadException e) {
      if (store.list(StorageFormat.versionFolder(model, version)).isEmpty()) {
        return Optional.empty();
      }
      throw e;
    }
    List<String> files = c.files().stream().map(Listing.Entry::name).toList();
    Manifest manifest = c.manifest();
    Map<String, Double> metrics = manifest != null ? manifest.metrics() : Map.of();
    List<String> features = manifest != null ? manifest.features() : List.of();
    if (manifest == null && files.contains(StorageFormat.METRICS)) {
      metrics = reader.readIfPresent(StorageFormat.fileKey(model, version, StorageFormat.METRICS))
          .map(b -> lenient(() -> StorageFormat.parseMetrics(StorageFormat.METRICS, b), Map.<String, Double>of()))
          .orElse(Map.of());
    }
    if (manifest == null && files.contains(StorageFormat.SCHEMA)) {
      features = reader.readIfPresent(StorageFormat.fileKey(model, version, StorageFormat.SCHEMA))
          .map(b -> lenient(() -> StorageFormat.parseSchema(StorageFormat.SCHEMA, b), List.<String>of()))
          .orElse(List.of());
    }
    return Optional.of(new VersionInfo(model, version, c.state(), manifest, files, metrics, features));
  }

  /** The recorded pointer moves of {@code model}, oldest first. */
  public List<PointerMove> history(String model) {
    Names.requireModelName(model);
    try {
      List<PointerMove> moves = new ArrayList<>();
      List<String> names = store.list(StorageFormat.historyFolder(model)).objects().stream()
          .map(Listing.Entry::name)
          .filter(n -> StorageFormat.historySequence(n) > 0)
          .sorted()
          .toList();
      for (String name : names) {
        String key = StorageFormat.historyFolder(model) + "/" + name;
        Optional<byte[]> content = reader.readIfPresent(key);
        if (content.isPresent()) {
          moves.add(StorageFormat.parseHistory(key, content.get()));
        }
      }
      return moves;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": reading the history failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * The run log of {@code model}: one record per publish attempt, oldest first, at most the newest {@value
   * #MAX_RUNS}. A record that cannot be read (malformed, too large, not named like a run) is skipped with a
   * WARN line that names the file.
   */
  public List<RunRecord> runs(String model) {
    Names.requireModelName(model);
    try {
      List<String> ids = store.list(Governance.runsFolder(model)).objects().stream()
          .map(Listing.Entry::name)
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .filter(Governance::isRunId)
          .sorted()
          .toList();
      List<RunRecord> runs = new ArrayList<>();
      for (String id : ids.subList(Math.max(0, ids.size() - MAX_RUNS), ids.size())) {
        String key = Governance.runKey(model, id);
        try {
          Optional<byte[]> content = reader.readIfPresent(key);
          if (content.isPresent()) {
            runs.add(Governance.parseRun(reader.where(key), model, id, content.get()));
          }
        } catch (IllegalArgumentException | IOException e) {
          log.warn("model {}: run record {} skipped: {}", model, reader.where(key), e.getMessage());
        }
      }
      return runs;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": listing runs failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * The policy of {@code model} ({@code <model>/policy.json}), if it has one.
   *
   * @throws IllegalArgumentException naming the file, if the policy is malformed: a policy that cannot be
   *     read is never taken as no policy
   */
  public Optional<Policy> policy(String model) {
    String key = Governance.policyKey(model);
    try {
      Optional<byte[]> content = reader.readIfPresent(key);
      return content.map(bytes -> Governance.parsePolicy(reader.where(key), bytes));
    } catch (IOException e) {
      throw new StorageException("model " + model + ": reading " + reader.where(key) + " failed: " + e.getMessage(),
          model, e);
    }
  }

  /** The versions of {@code model} that a prune archived (they have a deletion marker). */
  public Set<VersionId> archived(String model) {
    try {
      Set<VersionId> out = new HashSet<>();
      for (Listing.Entry entry : store.list(Governance.archivedFolder(model)).objects()) {
        VersionId version = Governance.markedVersion(entry.name());
        if (version != null) {
          out.add(version);
        }
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": listing archived versions failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * Checks every file of a version against its manifest, downloading each in full: it must exist, have the
   * manifest's size (reads stop one byte past it) and its SHA-256. A version without a manifest cannot be
   * verified, which the result says.
   *
   * @throws StorageException if the store fails (not if a file is missing or differs: that is a problem in
   *     the result)
   */
  public Verification verify(String model, String version) {
    Names.requireModelName(model);
    VersionId id = VersionId.of(version);
    try {
      StoreReader.VersionContents contents;
      try {
        contents = reader.describe(model, id);
      } catch (ModelLoadException e) {
        return new Verification(model, id, VersionInfo.State.INCOMPLETE, List.of(e.getMessage()), 0);
      }
      if (contents.manifest() == null) {
        return new Verification(model, id, contents.state(), List.of(contents.state() == VersionInfo.State.INCOMPLETE
            ? "it is incomplete: claimed, but manifest.json was never written"
            : "it has no manifest.json, so its files cannot be verified"), 0);
      }
      List<String> problems = new ArrayList<>();
      long total = 0;
      for (Manifest.FileEntry file : contents.manifest().files()) {
        String key = StorageFormat.fileKey(model, id, file.name());
        try (InputStream in = store.open(key)) {
          MessageDigest digest = Sha256.digest();
          byte[] buffer = new byte[64 * 1024];
          long size = 0;
          for (int n; size <= file.size() && (n = in.read(buffer, 0,
              (int) Math.min(buffer.length, file.size() - size + 1))) != -1; ) {
            digest.update(buffer, 0, n);
            size += n;
          }
          total += size;
          if (size > file.size()) {
            problems.add(file.name() + " has more than the " + file.size() + " bytes manifest.json lists");
          } else if (size < file.size()) {
            problems.add(file.name() + " has " + size + " bytes but manifest.json lists " + file.size());
          } else {
            String sha = HexFormat.of().formatHex(digest.digest());
            if (!sha.equals(file.sha256())) {
              problems.add(file.name() + " has sha256 " + sha.substring(0, 12) + "… but manifest.json lists "
                  + abbreviate(file.sha256()));
            }
          }
        } catch (NoSuchFileException e) {
          problems.add(file.name() + " is missing (" + reader.where(key) + ")");
        }
      }
      return new Verification(model, id, VersionInfo.State.COMPLETE, problems, total);
    } catch (IOException e) {
      throw new StorageException("model " + model + " " + version + ": verifying it in " + store.description()
          + " failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * The version a roll back of {@code pointer} returns to: its {@code previous} field, else the last
   * recorded move to the current version from another.
   */
  Optional<VersionId> rollbackTarget(String model, Pointer pointer) {
    if (pointer.previous() != null) {
      return Optional.of(pointer.previous());
    }
    List<PointerMove> moves = history(model);
    for (int i = moves.size() - 1; i >= 0; i--) {
      PointerMove move = moves.get(i);
      if (move.to().equals(pointer.version()) && move.from() != null && !move.from().equals(pointer.version())) {
        return Optional.of(move.from());
      }
    }
    return Optional.empty();
  }

  /** Versions that a run records as refused by the gates. */
  private Set<VersionId> refusedByRuns(String model) {
    Set<VersionId> out = new HashSet<>();
    for (RunRecord run : runs(model)) {
      if (run.status() == RunRecord.Status.REFUSED && run.version() != null) {
        out.add(run.version());
      }
    }
    return out;
  }

  private static String abbreviate(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T lenient(Parse<T> parse, T fallback) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  @Override
  public String toString() {
    return "ModelCatalog[" + store.description() + "]";
  }
}
