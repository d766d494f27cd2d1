package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.Formats;
import dev.modelregistry.internal.Governance;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * an immutable record under {@code <model>/history/}, named by the move's sequence number. Every publish
 * attempt, whatever its outcome, writes an immutable run record under {@code <model>/runs/}.
 *
 * <p><b>Governance.</b> A promote, a canary start and a canary promotion pass the model's gates ({@link
 * Policy}: {@code <model>/policy.json} and the builder's {@link Builder#policy}), or are refused with a
 * {@link GateRefusedException} naming every failed gate, unless forced with a reason ({@link
 * MoveOptions#forced}). Every move to a version verifies it first (each file's size and SHA-256 against its
 * manifest, downloaded in full), and refuses an incomplete, corrupt or archived version before the pointer
 * moves; forcing never overrides that. {@link #prune} deletes old versions by a {@link Retention}, never one
 * the pointer names, and never one a racing promote moves to (see {@link #prune}).
 */
public final class ModelPublisher {

  private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("'v'yyyyMMdd_HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final WritableModelStore store;
  private final StoreReader reader;
  private final VersionScheme scheme;
  private final Clock clock;
  private final String publishedBy;
  private final int maxAttempts;
  private final ModelCatalog catalog;
  private final Policy policy;
  private final boolean pruneAfterPublish;

  private ModelPublisher(Builder builder) {
    this.store = builder.store;
    this.reader = new StoreReader(builder.store);
    this.scheme = builder.scheme != null ? builder.scheme : VersionScheme.SEQUENTIAL;
    this.clock = builder.clock != null ? builder.clock : Clock.systemUTC();
    this.publishedBy = builder.publishedBy != null ? builder.publishedBy : defaultPublisherName();
    this.maxAttempts = builder.maxAttempts != null ? builder.maxAttempts : 50;
    this.catalog = ModelCatalog.of(builder.store);
    this.policy = builder.policy != null ? builder.policy : Policy.NONE;
    this.pruneAfterPublish = builder.pruneAfterPublish;
  }

  /** The read-only catalog of this publisher's store. */
  public ModelCatalog catalog() {
    return catalog;
  }

  private ModelPublisher(ModelPublisher settings, String publishedBy) {
    this.store = settings.store;
    this.reader = settings.reader;
    this.scheme = settings.scheme;
    this.clock = settings.clock;
    this.publishedBy = publishedBy;
    this.maxAttempts = settings.maxAttempts;
    this.catalog = settings.catalog;
    this.policy = settings.policy;
    this.pruneAfterPublish = settings.pruneAfterPublish;
  }

  /** A builder for a publisher on {@code store}. */
  public static Builder builder(WritableModelStore store) {
    return new Builder(requireNonNull(store, "store"));
  }

  /** A publisher on {@code store} with the defaults: sequential versions, the system clock. */
  public static ModelPublisher on(WritableModelStore store) {
    return builder(store).build();
  }

  /** Who this publisher records in pointers and history. */
  public String publishedBy() {
    return publishedBy;
  }

  /**
   * A publisher on the same store and with the same settings that records {@code publishedBy} instead: for
   * a service that publishes on behalf of its authenticated users.
   */
  public ModelPublisher withPublishedBy(String publishedBy) {
    requireNonNull(publishedBy, "publishedBy");
    if (publishedBy.isBlank()) {
      throw new IllegalArgumentException("publishedBy must not be blank");
    }
    return new ModelPublisher(this, publishedBy);
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
    String runId = newRunId();
    VersionInfo published = publishRecordingFailure(model, publication, runId);
    recordRun(model, runId, publication, RunRecord.Status.COMPLETED, published.version(), published.metrics(), false,
        null, List.of());
    pruneAfterPublishing(model);
    return published;
  }

  /**
   * Publishes a new version of {@code model}, then promotes it if the gates pass: the one call for a
   * training job. A version the gates refuse stays published, unserved, and its run record says {@code
   * refused} with the verdicts; the pointer does not move.
   *
   * @return the version, whether it was promoted, and the gates' verdicts
   * @throws PublishException if publishing or the move fails for another reason than the gates (the run
   *     record says {@code failed})
   */
  public PublishOutcome publishAndPromote(String model, Publication publication, @Nullable String reason) {
    Names.requireModelName(model);
    requireNonNull(publication, "publication");
    MoveOptions options = MoveOptions.because(reason);
    String runId = newRunId();
    VersionInfo published = publishRecordingFailure(model, publication, runId);
    VersionId version = published.version();
    List<GateVerdict> verdicts = new ArrayList<>();
    try {
      move(model, current -> toStable(current, version), "promote", options, verdicts);
    } catch (GateRefusedException e) {
      recordRun(model, runId, publication, RunRecord.Status.REFUSED, version, published.metrics(), false,
          e.getMessage(), e.verdicts());
      log.info("model {}: published {} and kept it out of service: {}", model, version, e.getMessage());
      pruneAfterPublishing(model);
      return new PublishOutcome(published, false, e.verdicts(), runId);
    } catch (RuntimeException e) {
      recordRun(model, runId, publication, RunRecord.Status.FAILED, version, published.metrics(), false,
          e.getMessage(), verdicts);
      throw e;
    }
    recordRun(model, runId, publication, RunRecord.Status.COMPLETED, version, published.metrics(), true, null,
        verdicts);
    pruneAfterPublishing(model);
    return new PublishOutcome(published, true, verdicts, runId);
  }

  /** Publishes; if that fails, records the failed run (with the version, if one was claimed) and rethrows. */
  private VersionInfo publishRecordingFailure(String model, Publication publication, String runId) {
    VersionId[] claimed = new VersionId[1];
    try {
      return publishVersion(model, publication, claimed);
    } catch (RuntimeException e) {
      recordRun(model, runId, publication, RunRecord.Status.FAILED, claimed[0], null, false, e.getMessage(), List.of());
      throw e;
    }
  }

  private VersionInfo publishVersion(String model, Publication publication, VersionId[] claimed) {
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
      claimed[0] = version;
      for (Manifest.FileEntry entry : entries) {
        try (InputStream in = open(files.get(entry.name()))) {
          store.write(StorageFormat.fileKey(model, version, entry.name()), in, entry.size());
        }
      }
      Manifest manifest = new Manifest(Manifest.CURRENT_VERSION, model, version, format, entries, now, metrics,
          features, publication.training(), publication.reference());
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
    List<VersionId> existing = new ArrayList<>(reader.versions(model));
    existing.addAll(catalog.archived(model)); // a pruned version's number is never used again
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
    return promoteWith(model, version, MoveOptions.because(reason));
  }

  /**
   * Moves the pointer of {@code model} to {@code version} as {@link #promote(String, String, String)} does,
   * with options: a forced move overrides refusing gates and is recorded as forced.
   *
   * @throws GateRefusedException if the model's gates refuse the version and the move is not forced
   * @throws PublishException if the version is missing, incomplete, archived or fails verification
   */
  public Pointer promoteWith(String model, String version, MoveOptions options) {
    Names.requireModelName(model);
    VersionId target = VersionId.of(version);
    requireNonNull(options, "options");
    return move(model, current -> toStable(current, target), "promote", options, null);
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
      Optional<VersionId> target = catalog.rollbackTarget(model, current);
      if (target.isPresent()) {
        return toStable(current, target.get());
      }
      throw new PublishException("model " + model + ": the pointer names " + current.version()
          + " and records no previous version; promote the version to roll back to explicitly", model,
          current.version().value(), null);
    }, "rollback", MoveOptions.because(reason), null);
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
    return startCanaryWith(model, version, percent, MoveOptions.because(reason));
  }

  /**
   * Starts a canary as {@link #startCanary(String, String, double, String)} does, with options: a forced
   * start overrides refusing gates and is recorded as forced.
   *
   * @throws GateRefusedException if the model's gates refuse the version and the move is not forced
   */
  public Pointer startCanaryWith(String model, String version, double percent, MoveOptions options) {
    Names.requireModelName(model);
    requireNonNull(options, "options");
    VersionId canary = VersionId.of(version);
    Pointer.Canary next = new Pointer.Canary(canary, percent, null);
    return move(model, current -> {
      Pointer p = requirePointer(model, current, "start a canary");
      if (p.version().equals(canary)) {
        throw new PublishException("model " + model + ": " + canary + " is the stable version; a canary must be"
            + " another version", model, version, null);
      }
      return with(p, p.version(), p.previous(), next, keep(p.shadow(), canary));
    }, "canary-start", options, null);
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
    }, "canary-percent", MoveOptions.because(reason), null);
  }

  /**
   * Makes the running canary the stable version (the former stable becomes the roll-back target), and ends
   * the canary.
   *
   * @throws PublishException if no canary is running
   */
  public Pointer promoteCanary(String model, @Nullable String reason) {
    return promoteCanaryWith(model, MoveOptions.because(reason));
  }

  /**
   * Makes the running canary the stable version as {@link #promoteCanary(String, String)} does, with options:
   * a forced promotion overrides refusing gates and is recorded as forced.
   *
   * @throws GateRefusedException if the model's gates refuse the canary and the move is not forced
   */
  public Pointer promoteCanaryWith(String model, MoveOptions options) {
    Names.requireModelName(model);
    requireNonNull(options, "options");
    return move(model, current -> {
      Pointer.Canary canary = requireCanary(model, current, "promote it");
      return with(current, canary.version(), current.version(), null, keep(current.shadow(), canary.version()));
    }, "canary-promote", options, null);
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
    }, "canary-abort", MoveOptions.because(reason), null);
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
    }, "shadow-start", MoveOptions.because(reason), null);
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
    }, "shadow-stop", MoveOptions.because(reason), null);
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

  /** The actions whose new version must pass the gates. */
  private static final List<String> GATED = List.of("promote", "canary-start", "canary-promote");

  private Pointer move(String model, Transition transition, String action, MoveOptions options,
      @Nullable List<GateVerdict> verdictsOut) {
    String pointerKey = StorageFormat.pointerKey(model);
    String reason = options.reason();
    Policy effective = GATED.contains(action) ? effectivePolicy(model) : Policy.NONE;
    Set<VersionId> verified = new HashSet<>();
    try {
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        StoreReader.PointerRead read = reader.readPointer(model, null);
        Pointer current = read.pointer();
        Pointer content = transition.next(current);
        if (current != null && (content == current || sameContent(current, content))) {
          return current;
        }
        for (VersionId named : named(content)) {
          boolean newlyStable = named.equals(content.version()) && !named.equals(current == null ? null : current.version());
          if (current == null || !named(current).contains(named) || newlyStable) {
            requireServable(model, named, verified);
          }
        }
        boolean forced = false;
        VersionId candidate = gated(action, current, content);
        if (candidate != null && effective.hasGates()) {
          List<GateVerdict> verdicts = verdicts(model, effective, candidate, current, options);
          if (verdictsOut != null) {
            verdictsOut.clear();
            verdictsOut.addAll(verdicts);
          }
          if (verdicts.stream().anyMatch(v -> !v.passed())) {
            GateRefusedException refusal = new GateRefusedException(model, candidate.value(), action, verdicts);
            if (!options.force()) {
              throw refusal;
            }
            forced = true;
            log.warn("model {}: {} of {} forced over the gates ({}): {}", model, action, candidate, reason,
                refusal.getMessage());
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
              next.canary(), next.shadow(), forced));
          recordChange(model, changes -> changes.withModel(model, sequence));
          log.info("model {}: pointer moved {} -> {} ({}{}{}{}{})", model, from == null ? "nothing" : from, target,
              action, forced ? ", forced" : "", next.canary() == null ? "" : ", canary " + next.canary().version()
                  + " at " + next.canary().percent() + "%",
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

  /** The version a gated action puts into service, or null if it puts none. */
  private static @Nullable VersionId gated(String action, @Nullable Pointer current, Pointer next) {
    return switch (action) {
      case "promote", "canary-promote" ->
          current == null || !current.version().equals(next.version()) ? next.version() : null;
      case "canary-start" -> next.canary() == null ? null : next.canary().version();
      default -> null;
    };
  }

  private List<GateVerdict> verdicts(String model, Policy effective, VersionId candidate, @Nullable Pointer current,
      MoveOptions options) throws IOException {
    VersionInfo info = catalog.info(model, candidate).orElseThrow(() -> new PublishException(
        "model " + model + ": cannot point to " + candidate + ": the store has no such version", model,
        candidate.value(), null));
    VersionInfo serving = null;
    if (current != null && !current.version().equals(candidate)) {
      try {
        serving = catalog.info(model, current.version()).orElse(null);
      } catch (ModelLoadException e) {
        log.warn("model {}: serving {} cannot be read to compare with: {}", model, current.version(), e.getMessage());
      }
    }
    return Gates.check(effective, info, serving, options);
  }

  /** The builder's policy and the store's, both enforced; a malformed policy file refuses every gated move. */
  private Policy effectivePolicy(String model) {
    try {
      return catalog.policy(model).map(policy::and).orElse(policy);
    } catch (IllegalArgumentException e) {
      throw new PublishException("model " + model + ": " + e.getMessage() + "; no gated move is made until the"
          + " policy file is fixed or removed", model, null, e);
    }
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

  private void requireServable(String model, VersionId version, Set<VersionId> verified) throws IOException {
    // The marker is checked on every attempt, after this attempt's pointer read: that order is what makes a
    // racing prune safe (see prune). Verification is done once per move.
    String marker = Governance.markerKey(model, version);
    if (reader.readIfPresent(marker).isPresent()) {
      throw new PublishException("model " + model + ": cannot point to " + version + ": it is archived (a prune"
          + " marked it for deletion: " + reader.where(marker) + "); publish it again as a new version", model,
          version.value(), null);
    }
    if (verified.contains(version)) {
      return;
    }
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
    } else {
      Verification verification = catalog.verify(model, version.value());
      if (!verification.ok()) {
        throw new PublishException("model " + model + ": cannot point to " + version + ": it fails verification: "
            + String.join("; ", verification.problems()) + "; the pointer did not move", model, version.value(), null);
      }
    }
    verified.add(version);
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
    return catalog.pointer(model);
  }

  /** Every version of {@code model} in the store, oldest first, with its state and metadata. */
  public List<VersionInfo> versions(String model) {
    Names.requireModelName(model);
    try {
      List<VersionInfo> out = new ArrayList<>();
      for (VersionId version : reader.versions(model)) {
        try {
          catalog.info(model, version).ifPresent(out::add);
        } catch (ModelLoadException e) {
          log.debug("model {} {}: skipped in the listing: {}", model, version, e.getMessage());
        }
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("model " + model + ": listing versions failed: " + e.getMessage(), model, e);
    }
  }

  /**
   * One version of {@code model}, with its state and metadata, if the store has it; reads only that version
   * (its manifest, or its folder and metadata files), not the whole model.
   *
   * @throws IllegalArgumentException if {@code version} is not a version id
   */
  public Optional<VersionInfo> version(String model, String version) {
    return catalog.version(model, version);
  }

  /** The recorded pointer moves of {@code model}, oldest first. */
  public List<PointerMove> history(String model) {
    return catalog.history(model);
  }

  // ------------------------------------------------------------------ retention

  /**
   * Deletes the versions of {@code model} that neither {@code retention} nor the model's policy keeps
   * (a version is kept when either keeps it), and never one the pointer names as serving, canary or shadow,
   * nor the roll-back target, nor one {@code retention} protects.
   *
   * <p>A prune racing a promote never deletes what the promote points to: it first writes a create-only
   * deletion marker {@code <model>/archived/<version>.json} for each version to delete, then rewrites the
   * pointer by compare-and-set against the read it planned from (same content, a new {@code
   * retention_check} field), and deletes files only if that succeeds. A promote checks for the marker after
   * reading the pointer and before its own compare-and-set on it, so of a racing promote and prune, either
   * the promote sees the marker and refuses, or its move changes the pointer first and the prune's
   * compare-and-set fails, reads the pointer again and keeps the version (removing its marker). The marker
   * stays as a tombstone: the version is listed as archived, is never served and its number is never
   * reused. A version marked by a prune that stopped midway (the store failed) is deleted by the next
   * prune, whatever the rules, unless the pointer names it.
   *
   * @throws PublishException if the model has no pointer yet (nothing to protect against), or the pointer
   *     kept changing
   */
  public PruneReport prune(String model, Retention retention) {
    return prune(model, retention, false);
  }

  /** What {@link #prune} would delete now, and why each other version is kept; changes nothing. */
  public PruneReport previewPrune(String model, Retention retention) {
    return prune(model, retention, true);
  }

  private PruneReport prune(String model, Retention retention, boolean dryRun) {
    Names.requireModelName(model);
    requireNonNull(retention, "retention");
    Retention effective;
    try {
      effective = catalog.policy(model).map(p -> policy.and(p)).orElse(policy).retention().and(retention);
    } catch (IllegalArgumentException e) {
      throw new PublishException("model " + model + ": " + e.getMessage() + "; nothing is pruned until the policy"
          + " file is fixed or removed", model, null, e);
    }
    String pointerKey = StorageFormat.pointerKey(model);
    Set<VersionId> markedHere = new HashSet<>();
    try {
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        StoreReader.PointerRead read = reader.readPointer(model, null);
        if (read.malformed() != null) {
          throw new PublishException(read.malformed() + "; nothing is pruned", model, null, null);
        }
        Pointer current = read.pointer();
        if (current == null) {
          throw new PublishException("model " + model + ": no pointer yet; prune after the first promote, so that"
              + " what serves is known", model, null, null);
        }
        Map<VersionId, String> kept = new LinkedHashMap<>();
        List<VersionId> doomed = plan(model, current, effective, kept);
        for (VersionId version : new ArrayList<>(markedHere)) {
          if (!doomed.contains(version)) { // the pointer moved to it: it stays
            store.delete(Governance.markerKey(model, version));
            markedHere.remove(version);
          }
        }
        if (dryRun || doomed.isEmpty()) {
          return new PruneReport(model, dryRun, doomed, kept);
        }
        String at = Instant.now(clock).toString();
        for (VersionId version : doomed) {
          if (store.create(Governance.markerKey(model, version), Governance.writeMarker(version, at, publishedBy,
              "retention " + describe(effective)))) {
            markedHere.add(version);
          }
        }
        String check = UUID.randomUUID().toString().substring(0, 8);
        if (store.replace(pointerKey, StorageFormat.writePointerCheck(current, check), read.tag())) {
          for (VersionId version : doomed) {
            deleteFiles(model, version);
          }
          log.info("model {}: pruned {} ({}); kept {}", model, doomed, describe(effective), kept.keySet());
          return new PruneReport(model, false, doomed, kept);
        }
        log.debug("model {}: pointer changed while pruning (attempt {}); planning again", model, attempt);
        pause(attempt);
      }
    } catch (IOException e) {
      throw new StorageException("model " + model + ": pruning in " + store.description() + " failed: "
          + e.getMessage() + "; versions marked archived stay unserved and are deleted by the next prune", model, e);
    }
    try {
      for (VersionId version : markedHere) {
        store.delete(Governance.markerKey(model, version));
      }
    } catch (IOException e) {
      log.warn("model {}: removing the deletion markers of an abandoned prune failed; the next prune deletes"
          + " those versions: {}", model, e.getMessage());
    }
    throw new PublishException("model " + model + ": the pointer kept changing under " + maxAttempts
        + " attempts to prune; nothing was deleted", model, null, null);
  }

  /** The versions to delete, oldest first; fills {@code kept} with every other version and why. */
  private List<VersionId> plan(String model, Pointer pointer, Retention retention, Map<VersionId, String> kept)
      throws IOException {
    List<VersionId> versions = reader.versions(model);
    Map<VersionId, String> protectedBy = new LinkedHashMap<>();
    protectedBy.put(pointer.version(), "serving");
    if (pointer.canary() != null) {
      protectedBy.putIfAbsent(pointer.canary().version(), "canary");
    }
    if (pointer.shadow() != null) {
      protectedBy.putIfAbsent(pointer.shadow().version(), "shadow");
    }
    catalog.rollbackTarget(model, pointer).ifPresent(v -> protectedBy.putIfAbsent(v, "previous (the roll-back target)"));
    retention.protectedVersions().forEach(v -> protectedBy.putIfAbsent(v, "protected (pinned)"));
    Instant now = Instant.now(clock);
    List<VersionId> doomed = new ArrayList<>();
    // A version already marked (a prune that stopped midway) is finished off, and counts for no rule.
    Set<VersionId> archived = catalog.archived(model);
    versions = new ArrayList<>(versions);
    for (VersionId version : List.copyOf(versions)) {
      if (archived.contains(version) && !protectedBy.containsKey(version)) {
        doomed.add(version);
        versions.remove(version);
      }
    }
    for (int i = 0; i < versions.size(); i++) {
      VersionId version = versions.get(i);
      String why = protectedBy.get(version);
      if (why == null && !retention.hasRules()) {
        why = "no retention rule";
      }
      if (why == null && versions.size() - i <= retention.keepLast()) {
        why = "among the newest " + retention.keepLast();
      }
      if (why == null && retention.keepNewerThan() != null) {
        Instant created = created(model, version);
        if (created == null) {
          why = "its age is unknown (no manifest or claim with a time)";
        } else if (created.isAfter(now.minus(retention.keepNewerThan()))) {
          why = "newer than " + retention.keepNewerThan();
        }
      }
      if (why == null) {
        doomed.add(version);
      } else {
        kept.put(version, why);
      }
    }
    doomed.sort(null);
    return doomed;
  }

  private @Nullable Instant created(String model, VersionId version) throws IOException {
    String at = null;
    Optional<byte[]> manifest = reader.readIfPresent(StorageFormat.fileKey(model, version, StorageFormat.MANIFEST));
    if (manifest.isPresent()) {
      try {
        at = StorageFormat.parseManifest(model, version, manifest.get()).createdAt();
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      Optional<byte[]> claim = reader.readIfPresent(StorageFormat.fileKey(model, version, StorageFormat.CLAIM));
      at = claim.map(StorageFormat::claimedAt).orElse(null);
    }
    try {
      return at == null ? null : Instant.parse(at);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Deletes a version's files: the manifest first, so the folder stops being a complete version at once. */
  private void deleteFiles(String model, VersionId version) throws IOException {
    store.delete(StorageFormat.fileKey(model, version, StorageFormat.MANIFEST));
    for (Listing.Entry entry : store.list(StorageFormat.versionFolder(model, version)).objects()) {
      store.delete(StorageFormat.versionFolder(model, version) + "/" + entry.name());
    }
  }

  private static String describe(Retention retention) {
    List<String> rules = new ArrayList<>();
    if (retention.keepLast() > 0) {
      rules.add("keep the last " + retention.keepLast());
    }
    if (retention.keepNewerThan() != null) {
      rules.add("keep newer than " + retention.keepNewerThan());
    }
    return rules.isEmpty() ? "no rule" : String.join(", ", rules);
  }

  private void pruneAfterPublishing(String model) {
    if (!pruneAfterPublish) {
      return;
    }
    try {
      if (catalog.pointer(model).isPresent()) {
        prune(model, Retention.NONE);
      }
    } catch (RuntimeException e) {
      log.warn("model {}: pruning after the publish failed; the publish stands: {}", model, e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ run log

  private String newRunId() {
    return RUN_ID_TIME.format(Instant.now(clock)) + "-"
        + String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  private void recordRun(String model, String runId, Publication publication, RunRecord.Status status,
      @Nullable VersionId version, @Nullable Map<String, Double> metrics, boolean promoted, @Nullable String error,
      List<GateVerdict> verdicts) {
    Map<String, Object> training = publication.training();
    Object trainedAt = training.get("trained_at");
    Object rows = training.get("rows");
    Map<String, Double> runMetrics = metrics != null ? metrics
        : publication.metrics() != null ? publication.metrics() : Map.of();
    String now = Instant.now(clock).toString();
    RunRecord run = new RunRecord(runId, model, status, trainedAt != null ? trainedAt.toString() : now, now,
        publishedBy, rows instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.longValue() : null,
        runMetrics, version, promoted, error, training, verdicts);
    try {
      if (!store.create(Governance.runKey(model, runId), Governance.writeRun(run))) {
        log.warn("model {}: run record {} already exists; this attempt's record was not written", model, runId);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("model {}: writing run record {} ({}) failed: {}", model, runId, status, e.getMessage(), e);
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
    private @Nullable Policy policy;
    private boolean pruneAfterPublish;

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

    /**
     * Gates and retention enforced for every model this publisher moves, besides each model's own {@code
     * policy.json}: both apply. Default: none beyond the store's.
     */
    public Builder policy(Policy policy) {
      requireUnset(this.policy, "policy");
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Prunes a model after each publish, by its policy's retention (a failed prune is logged, the publish
     * stands). Default: no pruning.
     */
    public Builder pruneAfterPublish() {
      if (pruneAfterPublish) {
        throw new IllegalStateException("pruneAfterPublish was already set");
      }
      pruneAfterPublish = true;
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
