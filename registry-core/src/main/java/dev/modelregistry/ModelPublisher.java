package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.Formats;
import dev.modelregistry.internal.Sha256;
import dev.modelregistry.internal.Changes;
import dev.modelregistry.internal.StorageFormat;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.WritableModelStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes versions to a store and moves the serving pointer: publish, promote, roll back, list. Safe
 * with any number of publishers at once, in this process or others: version numbers are claimed with
 * create-only writes and the pointer moves by compare-and-set, so no publisher overwrites another's
 * version or loses another's pointer move. Thread-safe.
 *
 * <pre>{@code
 * ModelPublisher publisher = ModelPublisher.builder(FilesystemModelStore.of(root)).build();
 * VersionInfo v = publisher.publish("t20_win_predictor", Publication.builder()
 *     .file(Path.of("model.ubj")).metrics(Map.of("accuracy", 0.74)).build());
 * publisher.promote("t20_win_predictor", v.version().value(), "weekly retrain");
 * publisher.rollback("t20_win_predictor", "accuracy dropped");
 * }</pre>
 *
 * <p>Publishing writes the artifacts, then {@code metrics.json} and {@code schema.json}, then {@code
 * manifest.json} last: a version is complete exactly when its manifest exists. Every pointer move writes
 * an immutable record under {@code <model>/history/}, named by the move's sequence number.
 */
public final class ModelPublisher {

  private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("'v'yyyyMMdd_HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final WritableModelStore store;
  private final StoreReader reader;
  private final VersionScheme scheme;
  private final Clock clock;
  private final String publishedBy;
  private final int maxAttempts;

  private ModelPublisher(Builder builder) {
    this.store = builder.store;
    this.reader = new StoreReader(builder.store);
    this.scheme = builder.scheme != null ? builder.scheme : VersionScheme.SEQUENTIAL;
    this.clock = builder.clock != null ? builder.clock : Clock.systemUTC();
    this.publishedBy = builder.publishedBy != null ? builder.publishedBy : defaultPublisherName();
    this.maxAttempts = builder.maxAttempts != null ? builder.maxAttempts : 50;
  }

  /** A builder for a publisher on {@code store}. */
  public static Builder builder(WritableModelStore store) {
    return new Builder(requireNonNull(store, "store"));
  }

  /** A publisher on {@code store} with the defaults: sequential versions, the system clock. */
  public static ModelPublisher on(WritableModelStore store) {
    return builder(store).build();
  }

  // ------------------------------------------------------------------ publish

  /**
   * Publishes a new version of {@code model} and returns it. Does not move the pointer: call {@link
   * #promote} to serve it.
   *
   * @throws IllegalArgumentException if the publication is invalid (its format cannot be told, a name is
   *     refused)
   * @throws StorageException if the store fails; a version left half written has no manifest and is never
   *     served
   */
  public VersionInfo publish(String model, Publication publication) {
    Names.requireModelName(model);
    requireNonNull(publication, "publication");
    Map<String, Publication.Content> files = new LinkedHashMap<>(publication.files());
    Map<String, Double> metrics = publication.metrics() != null ? publication.metrics() : Map.of();
    List<String> features = publication.features() != null ? publication.features() : List.of();
    if (publication.metrics() != null) {
      requireAbsent(files, StorageFormat.METRICS, "metrics(...)");
      files.put(StorageFormat.METRICS, new Publication.Content(null, StorageFormat.writeMetrics(metrics)));
    } else if (files.containsKey(StorageFormat.METRICS)) {
      metrics = StorageFormat.parseMetrics(StorageFormat.METRICS, bytes(files.get(StorageFormat.METRICS)));
    }
    if (publication.features() != null) {
      requireAbsent(files, StorageFormat.SCHEMA, "features(...)");
      files.put(StorageFormat.SCHEMA, new Publication.Content(null, StorageFormat.writeSchema(features)));
    } else if (files.containsKey(StorageFormat.SCHEMA)) {
      features = StorageFormat.parseSchema(StorageFormat.SCHEMA, bytes(files.get(StorageFormat.SCHEMA)));
    }
    String format = publication.format() != null
        ? publication.format()
        : Formats.infer(List.copyOf(files.keySet()), name -> bytes(files.get(name)))
            .orElseThrow(() -> new IllegalArgumentException(
                "cannot tell the format of " + files.keySet() + "; set it with Publication.builder().format(...)"));

    List<Manifest.FileEntry> entries = new ArrayList<>();
    for (Map.Entry<String, Publication.Content> file : files.entrySet()) {
      entries.add(describe(file.getKey(), file.getValue()));
    }
    String now = Instant.now(clock).toString();
    try {
      VersionId version = claim(model, now);
      for (Manifest.FileEntry entry : entries) {
        try (InputStream in = open(files.get(entry.name()))) {
          store.write(StorageFormat.fileKey(model, version, entry.name()), in, entry.size());
        }
      }
      Manifest manifest = new Manifest(Manifest.CURRENT_VERSION, model, version, format, entries, now, metrics,
          features, publication.training());
      if (!store.create(StorageFormat.fileKey(model, version, StorageFormat.MANIFEST),
          StorageFormat.writeManifest(manifest))) {
        throw new PublishException("model " + model + " " + version + ": manifest.json appeared while publishing;"
            + " another writer used a version this publisher had claimed", model, version.value(), null);
      }
      long bytes = entries.stream().mapToLong(Manifest.FileEntry::size).sum();
      log.info("model {}: published {} ({}, {} files, {} bytes) to {}", model, version, format, entries.size(),
          bytes, store.description());
      return new VersionInfo(model, version, VersionInfo.State.COMPLETE, manifest,
          entries.stream().map(Manifest.FileEntry::name).toList(), metrics, features);
    } catch (IOException e) {
      throw new StorageException(
          "model " + model + ": publishing to " + store.description() + " failed: " + e.getMessage(), model, e);
    }
  }

  private VersionId claim(String model, String now) throws IOException {
    byte[] claim = StorageFormat.writeClaim(publishedBy, now);
    List<VersionId> existing = reader.versions(model);
    if (scheme == VersionScheme.SEQUENTIAL) {
      long next = existing.stream().filter(v -> !v.isTimestamp()).mapToLong(VersionId::number).max().orElse(0) + 1;
      for (int attempt = 0; attempt < 10_000; attempt++, next++) {
        VersionId version = VersionId.of("v" + next);
        if (!existing.contains(version) && store.create(StorageFormat.fileKey(model, version, StorageFormat.CLAIM), claim)) {
          return version;
        }
      }
    } else {
      Instant at = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
      for (int attempt = 0; attempt < 10_000; attempt++, at = at.plusSeconds(1)) {
        VersionId version = VersionId.of(TIMESTAMP.format(at));
        if (!existing.contains(version) && store.create(StorageFormat.fileKey(model, version, StorageFormat.CLAIM), claim)) {
          return version;
        }
      }
    }
    throw new PublishException("model " + model + ": could not claim a version number", model, null, null);
  }

  // ------------------------------------------------------------------ pointer moves

  /**
   * Moves the pointer of {@code model} to {@code version} (compare-and-set, retried if another publisher
   * moves it at the same time) and records the move in the history. Does nothing if the pointer already
   * names the version. A canary or shadow of the pointer stays, unless it is the version promoted.
   *
   * @throws PublishException if the version does not exist or is incomplete, or the pointer kept changing
   */
  public Pointer promote(String model, String version, @Nullable String reason) {
    Names.requireModelName(model);
    VersionId target = VersionId.of(version);
    return move(model, current -> toStable(current, target), "promote", reason);
  }

  /**
   * Moves the pointer of {@code model} back to the version it named before the current one (the {@code
   * previous} field of the pointer, else the history). A second roll back returns to where the first one
   * started; to go further back, {@link #promote} a version explicitly.
   *
   * @throws PublishException if there is no pointer or nothing recorded to roll back to
   */
  public Pointer rollback(String model, @Nullable String reason) {
    Names.requireModelName(model);
    return move(model, current -> {
      if (current == null) {
        throw new PublishException("model " + model + ": nothing to roll back, the store has no pointer", model, null, null);
      }
      if (current.previous() != null) {
        return toStable(current, current.previous());
      }
      List<PointerMove> moves = history(model);
      for (int i = moves.size() - 1; i >= 0; i--) {
        PointerMove move = moves.get(i);
        if (move.to().equals(current.version()) && move.from() != null && !move.from().equals(current.version())) {
          return toStable(current, move.from());
        }
      }
      throw new PublishException("model " + model + ": the pointer names " + current.version()
          + " and records no previous version; promote the version to roll back to explicitly", model,
          current.version().value(), null);
    }, "rollback", reason);
  }

  // ------------------------------------------------------------------ rollouts

  /**
   * Starts a canary: {@code version} serves {@code percent} % of the calls of every registry that follows the
   * store, beside the stable version (a random share of calls without a unit id, the units whose bucket is
   * at most {@code percent} with {@link Model#forUnit}). Replaces a canary already running.
   *
   * @throws PublishException if there is no pointer yet, the version is the stable one, or cannot be served
   */
  public Pointer startCanary(String model, String version, double percent, @Nullable String reason) {
    Names.requireModelName(model);
    VersionId canary = VersionId.of(version);
    Pointer.Canary next = new Pointer.Canary(canary, percent, null);
    return move(model, current -> {
      Pointer p = requirePointer(model, current, "start a canary");
      if (p.version().equals(canary)) {
        throw new PublishException("model " + model + ": " + canary + " is the stable version; a canary must be"
            + " another version", model, version, null);
      }
      return with(p, p.version(), p.previous(), next, keep(p.shadow(), canary));
    }, "canary-start", reason);
  }

  /**
   * Changes the share of the running canary. Raising it only adds units to the canary; lowering it only
   * removes the units above the new line.
   *
   * @throws PublishException if no canary is running
   */
  public Pointer setCanaryPercent(String model, double percent, @Nullable String reason) {
    Names.requireModelName(model);
    return move(model, current -> {
      Pointer.Canary canary = requireCanary(model, current, "change its percent");
      return with(current, current.version(), current.previous(),
          new Pointer.Canary(canary.version(), percent, canary.group()), current.shadow());
    }, "canary-percent", reason);
  }

  /**
   * Makes the running canary the stable version (the former stable becomes the roll-back target), and ends
   * the canary.
   *
   * @throws PublishException if no canary is running
   */
  public Pointer promoteCanary(String model, @Nullable String reason) {
    Names.requireModelName(model);
    return move(model, current -> {
      Pointer.Canary canary = requireCanary(model, current, "promote it");
      return with(current, canary.version(), current.version(), null, keep(current.shadow(), canary.version()));
    }, "canary-promote", reason);
  }

  /**
   * Ends the running canary: every call goes to the stable version again.
   *
   * @throws PublishException if no canary is running
   */
  public Pointer abortCanary(String model, @Nullable String reason) {
    Names.requireModelName(model);
    return move(model, current -> {
      requireCanary(model, current, "abort it");
      return with(current, current.version(), current.previous(), null, current.shadow());
    }, "canary-abort", reason);
  }

  /**
   * Starts a shadow: {@code version} gets a copy of {@code sample} (0 to 1) of the calls' inputs, off the
   * callers' threads, and its answers are compared with the stable version's; callers only ever get the
   * stable (or canary) answer. Replaces a shadow already running.
   *
   * @throws PublishException if there is no pointer yet, the version is the stable one, or cannot be served
   */
  public Pointer startShadow(String model, String version, double sample, @Nullable String reason) {
    Names.requireModelName(model);
    VersionId shadow = VersionId.of(version);
    Pointer.Shadow next = new Pointer.Shadow(shadow, sample);
    return move(model, current -> {
      Pointer p = requirePointer(model, current, "start a shadow");
      if (p.version().equals(shadow)) {
        throw new PublishException("model " + model + ": " + shadow + " is the stable version; a shadow must be"
            + " another version", model, version, null);
      }
      return with(p, p.version(), p.previous(), p.canary(), next);
    }, "shadow-start", reason);
  }

  /**
   * Ends the running shadow.
   *
   * @throws PublishException if no shadow is running
   */
  public Pointer stopShadow(String model, @Nullable String reason) {
    Names.requireModelName(model);
    return move(model, current -> {
      Pointer p = requirePointer(model, current, "stop a shadow");
      if (p.shadow() == null) {
        throw new PublishException("model " + model + ": no shadow is running", model, null, null);
      }
      return with(p, p.version(), p.previous(), p.canary(), null);
    }, "shadow-stop", reason);
  }

  // ------------------------------------------------------------------ experiments

  /**
   * Writes {@code _experiments/<name>.json} (compare-and-set, retried if another publisher writes it at the
   * same time) and records the change under {@code _experiments/history/}. Every registry that declares the
   * experiment follows it at its next poll.
   *
   * @return the sequence number of this change
   */
  public long writeExperiment(ExperimentDefinition experiment, @Nullable String reason) {
    requireNonNull(experiment, "experiment");
    String key = StorageFormat.experimentKey(experiment.name());
    try {
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        dev.modelregistry.spi.ObjectRead read = store.read(key, null);
        boolean exists = read.status() == dev.modelregistry.spi.ObjectRead.Status.FOUND;
        long sequence = (exists ? StorageFormat.experimentSequence(read.content()) : 0) + 1;
        String at = Instant.now(clock).toString();
        byte[] content = StorageFormat.writeExperiment(experiment, at, publishedBy, reason, sequence);
        if (store.replace(key, content, exists ? read.tag() : null)) {
          store.create(StorageFormat.experimentHistoryKey(experiment.name(), sequence), content);
          recordChange("experiment " + experiment.name(), changes -> changes.withExperiment(experiment.name(), sequence));
          log.info("experiment {}: written (change {}{})", experiment.name(), sequence,
              reason == null ? "" : ": " + reason);
          return sequence;
        }
        pause(attempt);
      }
    } catch (IOException e) {
      throw new StorageException("experiment " + experiment.name() + ": writing it to " + store.description()
          + " failed: " + e.getMessage(), null, e);
    }
    throw new PublishException("experiment " + experiment.name() + ": the file kept changing under " + maxAttempts
        + " attempts; nothing was overwritten", null, null, null);
  }

  /** The experiment {@code name} as the store holds it, if it exists. */
  public Optional<ExperimentDefinition> experiment(String name) {
    try {
      return reader.readIfPresent(StorageFormat.experimentKey(name))
          .map(content -> StorageFormat.parseExperiment(name, content));
    } catch (IOException e) {
      throw new StorageException("experiment " + name + ": reading it failed: " + e.getMessage(), null, e);
    }
  }

  private static Pointer requirePointer(String model, @Nullable Pointer current, String what) {
    if (current == null) {
      throw new PublishException("model " + model + ": cannot " + what + " before a version is promoted (the store"
          + " has no pointer)", model, null, null);
    }
    return current;
  }

  private static Pointer.Canary requireCanary(String model, @Nullable Pointer current, String what) {
    Pointer p = requirePointer(model, current, what);
    if (p.canary() == null) {
      throw new PublishException("model " + model + ": no canary is running, so there is none to " + what, model,
          null, null);
    }
    return p.canary();
  }

  /** The pointer after making {@code target} stable: the old stable becomes previous; arms on it end. */
  private static Pointer toStable(@Nullable Pointer current, VersionId target) {
    if (current == null) {
      return Pointer.to(target);
    }
    if (current.version().equals(target)) {
      return current;
    }
    Pointer.Canary canary = current.canary() != null && current.canary().version().equals(target) ? null : current.canary();
    return with(current, target, current.version(), canary, keep(current.shadow(), target));
  }

  private static Pointer.@Nullable Shadow keep(Pointer.@Nullable Shadow shadow, VersionId newStable) {
    return shadow != null && shadow.version().equals(newStable) ? null : shadow;
  }

  /** The content of a pointer; {@link #move} adds who, when, why and the sequence. */
  private static Pointer with(@Nullable Pointer base, VersionId version, @Nullable VersionId previous,
      Pointer.@Nullable Canary canary, Pointer.@Nullable Shadow shadow) {
    return new Pointer(version, null, null, null, previous, base == null ? null : base.s3Prefix(), 0, canary, shadow);
  }

  private interface Transition {
    /** The pointer's next content, or {@code current} itself to change nothing. */
    Pointer next(@Nullable Pointer current) throws IOException;
  }

  private Pointer move(String model, Transition transition, String action, @Nullable String reason) {
    String pointerKey = StorageFormat.pointerKey(model);
    try {
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        StoreReader.PointerRead read = reader.readPointer(model, null);
        Pointer current = read.pointer();
        Pointer content = transition.next(current);
        if (current != null && (content == current || sameContent(current, content))) {
          return current;
        }
        for (VersionId named : named(content)) {
          if (current == null || !named(current).contains(named)) {
            requireServable(model, named);
          }
        }
        long sequence = current != null && current.sequence() > 0 ? current.sequence() + 1 : nextSequence(model);
        VersionId target = content.version();
        Pointer next = new Pointer(target, Instant.now(clock).toString(), publishedBy, reason,
            content.previous(),
            store.keyPrefix().map(p -> p + "/" + model + "/" + target.value()).orElse(null),
            sequence, content.canary(), content.shadow());
        if (store.replace(pointerKey, StorageFormat.writePointer(next), read.tag())) {
          VersionId from = current == null ? null : current.version();
          recordMove(model, new PointerMove(sequence, from, target, next.updatedAt(), publishedBy, action, reason,
              next.canary(), next.shadow()));
          recordChange(model, changes -> changes.withModel(model, sequence));
          log.info("model {}: pointer moved {} -> {} ({}{}{}{})", model, from == null ? "nothing" : from, target,
              action, next.canary() == null ? "" : ", canary " + next.canary().version() + " at "
                  + next.canary().percent() + "%",
              next.shadow() == null ? "" : ", shadow " + next.shadow().version(),
              reason == null ? "" : ": " + reason);
          return next;
        }
        log.debug("model {}: pointer changed while moving it (attempt {}); retrying", model, attempt);
        pause(attempt);
      }
    } catch (IOException e) {
      throw new StorageException("model " + model + ": moving the pointer in " + store.description()
          + " failed: " + e.getMessage(), model, e);
    }
    throw new PublishException("model " + model + ": the pointer kept changing under " + maxAttempts
        + " attempts to " + action + "; nothing was overwritten", model, null, null);
  }

  private static boolean sameContent(Pointer a, Pointer b) {
    return a.version().equals(b.version()) && java.util.Objects.equals(a.canary(), b.canary())
        && java.util.Objects.equals(a.shadow(), b.shadow());
  }

  private static List<VersionId> named(Pointer p) {
    List<VersionId> all = new ArrayList<>(3);
    all.add(p.version());
    if (p.canary() != null) {
      all.add(p.canary().version());
    }
    if (p.shadow() != null) {
      all.add(p.shadow().version());
    }
    return all;
  }

  private void requireServable(String model, VersionId version) throws IOException {
    StoreReader.VersionContents contents;
    try {
      contents = reader.describe(model, version);
    } catch (ModelLoadException e) {
      throw new PublishException("model " + model + ": cannot point to " + version + ": " + e.getMessage(), model,
          version.value(), e);
    }
    if (contents.state() == VersionInfo.State.INCOMPLETE) {
      throw new PublishException("model " + model + ": cannot point to " + version
          + ": it is incomplete (claimed, but manifest.json was never written)", model, version.value(), null);
    }
    if (contents.state() == VersionInfo.State.UNVERIFIED) {
      log.warn("model {}: pointing to {}, which has no manifest.json and is served unverified", model, version);
    }
  }

  private long nextSequence(String model) throws IOException {
    long max = 0;
    for (Listing.Entry entry : store.list(StorageFormat.historyFolder(model)).objects()) {
      max = Math.max(max, StorageFormat.historySequence(entry.name()));
    }
    return max + 1;
  }

  /**
   * Bumps the change feed, {@code _changes.json}, by compare-and-set. The move it records has happened
   * already, so a feed that cannot be written (it keeps changing, or is not valid JSON) is logged, not thrown:
   * registries notice the move at their next full scan. A feed that is not valid is replaced by a new one,
   * whose lower generation tells registries to read every pointer once.
   */
  private void recordChange(String what, java.util.function.UnaryOperator<Changes> change) {
    try {
      if (tryRecordChange(what, change)) {
        return;
      }
    } catch (IOException e) {
      log.warn("{}: the change feed {} could not be updated: {}; registries notice the change at their next full"
          + " scan", what, reader.where(StorageFormat.CHANGES), e.toString());
      return;
    }
    log.warn("{}: the change feed {} kept changing under {} attempts and was not updated; registries notice the"
        + " change at their next full scan", what, reader.where(StorageFormat.CHANGES), maxAttempts);
  }

  private boolean tryRecordChange(String what, java.util.function.UnaryOperator<Changes> change) throws IOException {
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      dev.modelregistry.spi.ObjectRead read = store.read(StorageFormat.CHANGES, null);
      boolean exists = read.status() == dev.modelregistry.spi.ObjectRead.Status.FOUND;
      Changes current = Changes.EMPTY;
      if (exists) {
        try {
          current = StorageFormat.parseChanges(read.content());
        } catch (IllegalArgumentException e) {
          log.warn("{}: the change feed {} is not valid and is written anew: {}", what,
              reader.where(StorageFormat.CHANGES), e.getMessage());
        }
      }
      byte[] content = StorageFormat.writeChanges(change.apply(current), Instant.now(clock).toString());
      if (store.replace(StorageFormat.CHANGES, content, exists ? read.tag() : null)) {
        return true;
      }
      pause(attempt);
    }
    return false;
  }

  private void recordMove(String model, PointerMove move) throws IOException {
    byte[] record = StorageFormat.writeHistory(move);
    if (!store.create(StorageFormat.historyKey(model, move.sequence(), null), record)) {
      // Only when the pointer was last written without a sequence by another tool.
      store.create(StorageFormat.historyKey(model, move.sequence(), UUID.randomUUID().toString().substring(0, 8)), record);
    }
  }

  // ------------------------------------------------------------------ reads

  /** The pointer of {@code model}, if it has one. */
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

  /** Every version of {@code model} in the store, oldest first, with its state and metadata. */
  public List<VersionInfo> versions(String model) {
    Names.requireModelName(model);
    try {
      List<VersionInfo> out = new ArrayList<>();
      for (VersionId version : reader.versions(model)) {
        StoreReader.VersionContents c;
        try {
          c = reader.describe(model, version);
        } catch (ModelLoadException e) {
          log.debug("model {} {}: skipped in the listing: {}", model, version, e.getMessage());
          continue;
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
        out.add(new VersionInfo(model, version, c.state(), manifest, files, metrics, features));
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": listing versions failed: " + e.getMessage(), model, e);
    }
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

  // ------------------------------------------------------------------ helpers

  private static Manifest.FileEntry describe(String name, Publication.Content content) {
    try (InputStream in = open(content)) {
      Sha256.Copied copied = Sha256.copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
      return new Manifest.FileEntry(name, copied.size(), copied.sha256());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " to publish it", e);
    }
  }

  private static InputStream open(Publication.Content content) throws IOException {
    return content.bytes() != null
        ? new ByteArrayInputStream(content.bytes())
        : Files.newInputStream(requireNonNull(content.path()));
  }

  private static byte[] bytes(Publication.Content content) {
    try (InputStream in = open(content)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireAbsent(Map<String, Publication.Content> files, String name, String setter) {
    if (files.containsKey(name)) {
      throw new IllegalArgumentException("both " + setter + " and a " + name + " file were given; give one");
    }
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

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while retrying a pointer move", "unknown", null, e);
    }
  }

  private static String defaultPublisherName() {
    String user = System.getProperty("user.name", "unknown");
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    return host.isEmpty() ? user : user + "@" + host;
  }

  /** Configures a {@link ModelPublisher}. Not thread-safe. */
  public static final class Builder {

    private final WritableModelStore store;
    private @Nullable VersionScheme scheme;
    private @Nullable Clock clock;
    private @Nullable String publishedBy;
    private @Nullable Integer maxAttempts;

    private Builder(WritableModelStore store) {
      this.store = store;
    }

    /** How new versions are numbered. Default: {@link VersionScheme#SEQUENTIAL}. */
    public Builder versionScheme(VersionScheme scheme) {
      requireUnset(this.scheme, "versionScheme");
      this.scheme = requireNonNull(scheme, "scheme");
      return this;
    }

    /** The clock for timestamps and timestamp version ids. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Who publishes, recorded in pointers and history. Default: {@code <user>@<host>}. */
    public Builder publishedBy(String publishedBy) {
      requireUnset(this.publishedBy, "publishedBy");
      this.publishedBy = requireNonNull(publishedBy, "publishedBy");
      return this;
    }

    /** How many times a pointer move is retried when another publisher moves it first. Default: 50. */
    public Builder maxAttempts(int maxAttempts) {
      requireUnset(this.maxAttempts, "maxAttempts");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Builds the publisher. */
    public ModelPublisher build() {
      return new ModelPublisher(this);
    }

    private static void requireUnset(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
