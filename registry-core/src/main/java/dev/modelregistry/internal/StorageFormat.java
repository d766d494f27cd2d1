package dev.modelregistry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelregistry.Manifest;
import dev.modelregistry.Names;
import dev.modelregistry.Pointer;
import dev.modelregistry.PointerMove;
import dev.modelregistry.VersionId;
import dev.modelregistry.spi.StoreKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Storage format version 1: the keys of a model's objects and the codecs of its JSON files (pointer,
 * manifest, schema, metrics, history records, claims). Every store is read and written through this class,
 * so they all share one format. Stateless and thread-safe.
 *
 * <p>Parsing methods throw {@link IllegalArgumentException} with a message that names the file and the
 * problem.
 */
public final class StorageFormat {

  /** The pointer file. */
  public static final String POINTER = "latest.json";
  /** The commit marker of a version. */
  public static final String MANIFEST = "manifest.json";
  /** Optional numeric training metrics. */
  public static final String METRICS = "metrics.json";
  /** Optional ordered feature names. */
  public static final String SCHEMA = "schema.json";
  /** Optional warm-up inputs and expected outputs. */
  public static final String WARMUP = "warmup.json";
  /** Written first by the publisher to claim a version number; hidden from version file lists. */
  public static final String CLAIM = ".claim.json";
  /** The folder of pointer history records. */
  public static final String HISTORY = "history";
  /** The root folder of experiments: a name starting with {@code _} is never a model's. */
  public static final String EXPERIMENTS = "_experiments";
  /** The change feed at the store root: a name starting with {@code _} is never a model's. */
  public static final String CHANGES = "_changes.json";
  /** The most entries the change feed may list, models and experiments together. */
  static final int MAX_CHANGES_ENTRIES = 1_000_000;

  private StorageFormat() {}

  /** The key of a model's pointer. */
  public static String pointerKey(String model) {
    return Names.requireModelName(model) + "/" + POINTER;
  }

  /** The folder of a model. */
  public static String modelFolder(String model) {
    return Names.requireModelName(model);
  }

  /** The folder of a version. */
  public static String versionFolder(String model, VersionId version) {
    return Names.requireModelName(model) + "/" + version.value();
  }

  /** The key of one file of a version. */
  public static String fileKey(String model, VersionId version, String file) {
    return versionFolder(model, version) + "/" + (file.equals(CLAIM) ? file : Names.requireFileName(file));
  }

  /** The folder of a model's history records. */
  public static String historyFolder(String model) {
    return Names.requireModelName(model) + "/" + HISTORY;
  }

  /** The key of the history record of pointer move {@code sequence}. */
  public static String historyKey(String model, long sequence, @Nullable String suffix) {
    return historyFolder(model) + "/" + String.format("%012d", sequence) + (suffix == null ? "" : "-" + suffix)
        + ".json";
  }

  /** The sequence number in a history record's name, or -1 if the name is not one. */
  public static long historySequence(String objectName) {
    int end = 0;
    while (end < objectName.length() && Character.isDigit(objectName.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 18 || !objectName.endsWith(".json")) {
      return -1;
    }
    return Long.parseLong(objectName.substring(0, end));
  }

  /** The key of an experiment's file. */
  public static String experimentKey(String name) {
    return EXPERIMENTS + "/" + Names.requireModelName(name) + ".json";
  }

  /** The key of the history record of change {@code sequence} of an experiment. */
  public static String experimentHistoryKey(String name, long sequence) {
    return EXPERIMENTS + "/" + HISTORY + "/" + Names.requireModelName(name) + "-" + String.format("%012d", sequence)
        + ".json";
  }

  // ---------------------------------------------------------------- experiments

  /** Parses {@code _experiments/<name>.json}; its {@code name}, when present, must be the file's. */
  public static dev.modelregistry.ExperimentDefinition parseExperiment(String name, byte[] content) {
    String what = EXPERIMENTS + "/" + name + ".json";
    ObjectNode node = Json.object(what, content);
    try {
      String declared = Json.optionalText(what, node, "name");
      if (declared != null && !declared.equals(name)) {
        throw new IllegalArgumentException("it names the experiment " + Names.quote(declared) + ", not " + name);
      }
      JsonNode enabled = node.get("enabled");
      if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
        throw new IllegalArgumentException("\"enabled\" must be true or false but is " + Json.describe(enabled));
      }
      JsonNode variants = node.get("variants");
      if (!(variants instanceof ArrayNode array)) {
        throw new IllegalArgumentException("\"variants\" must be an array of {\"name\", \"model\", \"weight\"}");
      }
      if (array.size() > dev.modelregistry.ExperimentDefinition.MAX_VARIANTS) {
        throw new IllegalArgumentException("\"variants\" lists " + array.size() + " variants, more than the "
            + dev.modelregistry.ExperimentDefinition.MAX_VARIANTS + " this library accepts");
      }
      List<dev.modelregistry.ExperimentDefinition.Variant> list = new ArrayList<>();
      for (JsonNode v : array) {
        if (!(v instanceof ObjectNode variant)) {
          throw new IllegalArgumentException("each variant must be an object");
        }
        JsonNode weight = variant.get("weight");
        if (weight == null || !weight.canConvertToInt() || !weight.isIntegralNumber()) {
          throw new IllegalArgumentException("variant " + Json.optionalText(what, variant, "name")
              + " needs an integer \"weight\"");
        }
        list.add(new dev.modelregistry.ExperimentDefinition.Variant(Json.requiredText(what, variant, "name"),
            Json.requiredText(what, variant, "model"), weight.intValue()));
      }
      return new dev.modelregistry.ExperimentDefinition(name, Json.optionalText(what, node, "salt"),
          enabled == null || enabled.isNull() || enabled.booleanValue(), list);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** Serializes an experiment, with who changed it, when and why. */
  public static byte[] writeExperiment(dev.modelregistry.ExperimentDefinition experiment, String at, String by,
      @Nullable String reason, long sequence) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("name", experiment.name());
    putIfSet(node, "salt", experiment.salt());
    node.put("enabled", experiment.enabled());
    ArrayNode variants = node.putArray("variants");
    for (dev.modelregistry.ExperimentDefinition.Variant v : experiment.variants()) {
      variants.addObject().put("name", v.name()).put("model", v.model()).put("weight", v.weight());
    }
    node.put("updated_at", at);
    node.put("updated_by", by);
    putIfSet(node, "reason", reason);
    node.put("sequence", sequence);
    return Json.bytes(node);
  }

  /** The {@code sequence} of an experiment file, or 0. */
  public static long experimentSequence(byte[] content) {
    try {
      JsonNode sequence = Json.object("experiment", content).get("sequence");
      return sequence != null && sequence.canConvertToLong() ? Math.max(0, sequence.asLong()) : 0;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- change feed

  /**
   * Parses {@code _changes.json}: {@code {"format": 1, "generation": 42, "models": {"dish_a": 3}, "experiments":
   * {"rec": 2}}}. It is written by any publisher, so it is read as hostile: the generation and every sequence
   * must be whole numbers from 0 to 2^63-1, every name a valid model name, at most {@value
   * #MAX_CHANGES_ENTRIES} entries; anything else refuses the whole file.
   */
  public static Changes parseChanges(byte[] content) {
    String what = CHANGES;
    ObjectNode node = Json.object(what, content);
    JsonNode format = node.get("format");
    if (format != null && !(format.isIntegralNumber() && format.asLong() == 1)) {
      throw new IllegalArgumentException(what + ": \"format\" must be 1 but is " + Json.describe(format)
          + "; written by a newer publisher?");
    }
    long generation = wholeNumber(what, "generation", node.get("generation"));
    Map<String, Long> models = sequences(what, "models", node.get("models"));
    Map<String, Long> experiments = sequences(what, "experiments", node.get("experiments"));
    if (models.size() + experiments.size() > MAX_CHANGES_ENTRIES) {
      throw new IllegalArgumentException(what + " lists " + (models.size() + experiments.size())
          + " entries, more than the " + MAX_CHANGES_ENTRIES + " allowed");
    }
    return new Changes(generation, models, experiments);
  }

  /** Serializes {@code _changes.json}; {@code at} is when, for people reading it. */
  public static byte[] writeChanges(Changes changes, String at) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("format", 1);
    node.put("generation", changes.generation());
    node.put("updated_at", at);
    ObjectNode models = node.putObject("models");
    new java.util.TreeMap<>(changes.models()).forEach(models::put);
    ObjectNode experiments = node.putObject("experiments");
    new java.util.TreeMap<>(changes.experiments()).forEach(experiments::put);
    return Json.bytes(node);
  }

  private static long wholeNumber(String what, String field, @Nullable JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new IllegalArgumentException(what + ": \"" + field + "\" must be a whole number from 0 to "
          + Long.MAX_VALUE + " but is " + (node == null ? "missing" : Json.describe(node)));
    }
    return node.asLong();
  }

  private static Map<String, Long> sequences(String what, String field, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(what + ": \"" + field + "\" must be an object but is " + Json.describe(node));
    }
    if (node.size() > MAX_CHANGES_ENTRIES) {
      throw new IllegalArgumentException(what + ": \"" + field + "\" has " + node.size() + " entries, more than the "
          + MAX_CHANGES_ENTRIES + " allowed");
    }
    Map<String, Long> sequences = new java.util.HashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!Names.isModelName(e.getKey())) {
        throw new IllegalArgumentException(what + ": " + Names.quote(e.getKey()) + " in \"" + field
            + "\" is not a valid name");
      }
      sequences.put(e.getKey(), wholeNumber(what, field + "." + e.getKey(), e.getValue()));
    }
    return sequences;
  }

  // ---------------------------------------------------------------- pointer

  /**
   * Parses {@code latest.json} of a store that is not on a bucket.
   *
   * @param storePrefix the store's key prefix, which an {@code s3_prefix} must start with
   */
  public static Pointer parsePointer(String model, byte[] content, Optional<String> storePrefix) {
    return parsePointer(model, content, storePrefix, Optional.empty());
  }

  /**
   * Parses {@code latest.json}.
   *
   * @param storePrefix the store's key prefix, which an {@code s3_prefix} must start with
   * @param storeBucket the store's bucket, which an {@code s3_prefix} of the form {@code s3://bucket/...}
   *     must name
   */
  public static Pointer parsePointer(
      String model, byte[] content, Optional<String> storePrefix, Optional<String> storeBucket) {
    String what = model + "/" + POINTER;
    ObjectNode node = Json.object(what, content);
    String versionText = Json.requiredText(what, node, "version");
    VersionId version = versionIn(what, "version", versionText);
    String previousText = Json.optionalText(what, node, "previous");
    VersionId previous = previousText == null ? null : versionIn(what, "previous", previousText);
    String s3Prefix = Json.optionalText(what, node, "s3_prefix");
    if (s3Prefix != null) {
      checkPrefix(what, model, version, s3Prefix, storePrefix, storeBucket);
    }
    JsonNode sequenceNode = node.get("sequence");
    long sequence = sequenceNode != null && sequenceNode.canConvertToLong() && sequenceNode.asLong() > 0
        ? sequenceNode.asLong()
        : 0;
    Pointer.Canary canary = parseCanary(what, node.get("canary"));
    Pointer.Shadow shadow = parseShadow(what, node.get("shadow"));
    if (canary != null && canary.version().equals(version)) {
      throw new IllegalArgumentException(what + ": the canary " + canary.version() + " is the stable version"
          + " itself; the pointer is refused");
    }
    if (shadow != null && shadow.version().equals(version)) {
      throw new IllegalArgumentException(what + ": the shadow " + shadow.version() + " is the stable version"
          + " itself; the pointer is refused");
    }
    return new Pointer(
        version,
        Json.optionalText(what, node, "updated_at"),
        Json.optionalText(what, node, "updated_by"),
        Json.optionalText(what, node, "reason"),
        previous,
        s3Prefix,
        sequence,
        canary,
        shadow);
  }

  /** Parses the optional {@code canary} object of a pointer; null or absent means none. */
  private static Pointer.@Nullable Canary parseCanary(String what, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!(node instanceof ObjectNode canary)) {
      throw new IllegalArgumentException(what + ": \"canary\" must be an object like {\"version\": \"v8\","
          + " \"percent\": 10.0} but is " + Json.describe(node) + "; the pointer is refused");
    }
    VersionId version = versionIn(what, "canary.version", Json.requiredText(what, canary, "version"));
    double percent = number(what, canary, "canary.percent", "percent", 0, 100);
    return new Pointer.Canary(version, percent, Json.optionalText(what, canary, "group"));
  }

  /** Parses the optional {@code shadow} object of a pointer; null or absent means none. */
  private static Pointer.@Nullable Shadow parseShadow(String what, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!(node instanceof ObjectNode shadow)) {
      throw new IllegalArgumentException(what + ": \"shadow\" must be an object like {\"version\": \"v9\","
          + " \"sample\": 0.25} but is " + Json.describe(node) + "; the pointer is refused");
    }
    VersionId version = versionIn(what, "shadow.version", Json.requiredText(what, shadow, "version"));
    double sample = shadow.has("sample") ? number(what, shadow, "shadow.sample", "sample", 0, 1) : 1.0;
    return new Pointer.Shadow(version, sample);
  }

  private static double number(String what, ObjectNode node, String label, String field, double min, double max) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber() || !(value.doubleValue() >= min && value.doubleValue() <= max)) {
      throw new IllegalArgumentException(what + ": \"" + label + "\" must be a number in [" + (long) min + ", "
          + (long) max + "] but is " + (value == null ? "missing" : Json.describe(value)) + "; the pointer is refused");
    }
    return value.doubleValue();
  }

  private static void writeCanary(ObjectNode node, Pointer.@Nullable Canary canary) {
    if (canary != null) {
      ObjectNode c = node.putObject("canary");
      c.put("version", canary.version().value());
      c.put("percent", canary.percent());
      putIfSet(c, "group", canary.group());
    }
  }

  private static void writeShadow(ObjectNode node, Pointer.@Nullable Shadow shadow) {
    if (shadow != null) {
      node.putObject("shadow").put("version", shadow.version().value()).put("sample", shadow.sample());
    }
  }

  /** Serializes a pointer with the field names scripts already use ({@code updated_at}, {@code s3_prefix}). */
  public static byte[] writePointer(Pointer pointer) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("version", pointer.version().value());
    putIfSet(node, "updated_at", pointer.updatedAt());
    putIfSet(node, "updated_by", pointer.updatedBy());
    putIfSet(node, "reason", pointer.reason());
    if (pointer.previous() != null) {
      node.put("previous", pointer.previous().value());
    }
    putIfSet(node, "s3_prefix", pointer.s3Prefix());
    if (pointer.sequence() > 0) {
      node.put("sequence", pointer.sequence());
    }
    writeCanary(node, pointer.canary());
    writeShadow(node, pointer.shadow());
    return Json.bytes(node);
  }

  /**
   * The pointer's content with a {@code retention_check} field: a rewrite that changes the pointer's tag
   * without moving it, so that a move based on an earlier read fails its compare-and-set and reads again.
   * Readers ignore the field.
   */
  public static byte[] writePointerCheck(Pointer pointer, String check) {
    ObjectNode node = Json.object("pointer", writePointer(pointer));
    node.put("retention_check", check);
    return Json.bytes(node);
  }

  /** The time in a claim, or null if it has none. */
  public static @Nullable String claimedAt(byte[] claim) {
    try {
      return Json.optionalText(CLAIM, Json.object(CLAIM, claim), "claimed_at");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Checks that an {@code s3_prefix} names the version folder of {@code version} under the store's prefix.
   * Accepts {@code models/m/v2}, {@code models/m/v2/} and {@code s3://bucket/models/m/v2}; the bucket must
   * be the store's, when the store is on one.
   */
  static void checkPrefix(String what, String model, VersionId version, String s3Prefix,
      Optional<String> storePrefix, Optional<String> storeBucket) {
    String path = s3Prefix;
    if (path.startsWith("s3://")) {
      int slash = path.indexOf('/', "s3://".length());
      String bucket = slash < 0 ? path.substring("s3://".length()) : path.substring("s3://".length(), slash);
      if (storeBucket.isPresent() && !storeBucket.get().equals(bucket)) {
        throw new IllegalArgumentException(
            what + ": s3_prefix " + Names.quote(s3Prefix) + " names the bucket " + Names.quote(bucket)
                + ", but this store reads the bucket " + storeBucket.get() + "; the pointer is refused (a pointer"
                + " names a folder of its own store: fix the s3_prefix, or drop it)");
      }
      path = slash < 0 ? "" : path.substring(slash + 1);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!StoreKeys.isSafeKey(path)) {
      throw new IllegalArgumentException(
          what + ": s3_prefix " + Names.quote(s3Prefix) + " is not a safe key prefix (segments of [A-Za-z0-9_.-]"
              + " separated by single '/', never '.' or '..'); the pointer is refused");
    }
    String expectedTail = model + "/" + version.value();
    String expected = storePrefix.filter(p -> !p.isEmpty()).map(p -> p + "/" + expectedTail).orElse(null);
    boolean ok = expected != null ? path.equals(expected) : path.equals(expectedTail) || path.endsWith("/" + expectedTail);
    if (!ok) {
      throw new IllegalArgumentException(
          what + ": s3_prefix " + Names.quote(s3Prefix) + " does not name the folder of version " + version
              + " (expected " + (expected != null ? expected : "<prefix>/" + expectedTail)
              + "); the pointer is refused");
    }
  }

  // ---------------------------------------------------------------- manifest

  /** Parses a version's {@code manifest.json} and checks that it belongs to {@code model} {@code version}. */
  public static Manifest parseManifest(String model, VersionId version, byte[] content) {
    String what = model + "/" + version + "/" + MANIFEST;
    ObjectNode node = Json.object(what, content);
    try {
      JsonNode manifestVersion = node.get("manifest_version");
      int formatVersion = manifestVersion == null ? Manifest.CURRENT_VERSION : manifestVersion.asInt(-1);
      String manifestModel = Json.requiredText(what, node, "model");
      String manifestVersionId = Json.requiredText(what, node, "version");
      if (!manifestModel.equals(model) || !manifestVersionId.equals(version.value())) {
        throw new IllegalArgumentException(
            "it describes " + Names.quote(manifestModel) + " " + Names.quote(manifestVersionId)
                + ", not the folder it is in; was it copied from another version?");
      }
      JsonNode files = node.get("files");
      if (!(files instanceof ArrayNode fileArray)) {
        throw new IllegalArgumentException("\"files\" must be an array");
      }
      List<Manifest.FileEntry> entries = new ArrayList<>();
      for (JsonNode file : fileArray) {
        if (!(file instanceof ObjectNode fileObject)) {
          throw new IllegalArgumentException("each entry of \"files\" must be an object");
        }
        String name = Json.requiredText(what, fileObject, "name");
        if (!Names.isFileName(name) || name.equals(MANIFEST)) {
          throw new IllegalArgumentException(
              "lists the file " + Names.quote(name) + ", which is not a valid file name (one path segment of"
                  + " [A-Za-z0-9_.-], no '..', '/', '\\' or control characters)");
        }
        JsonNode size = fileObject.get("size");
        if (size == null || !size.canConvertToLong()) {
          throw new IllegalArgumentException("file " + name + " has no numeric \"size\"");
        }
        entries.add(new Manifest.FileEntry(name, size.asLong(), Json.requiredText(what, fileObject, "sha256")));
      }
      JsonNode schema = node.get("schema");
      return new Manifest(
          formatVersion,
          model,
          version,
          Json.requiredText(what, node, "format"),
          entries,
          textOr(node, "created_at", ""),
          numbers(what, node.get("metrics")),
          schema == null || schema.isNull() ? List.of() : features(what, schema),
          training(node.get("training")),
          reference(what, node.get("reference")));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** Serializes a manifest. */
  public static byte[] writeManifest(Manifest manifest) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("manifest_version", manifest.manifestVersion());
    node.put("model", manifest.model());
    node.put("version", manifest.version().value());
    node.put("format", manifest.format());
    node.put("created_at", manifest.createdAt());
    ArrayNode files = node.putArray("files");
    for (Manifest.FileEntry file : manifest.files()) {
      files.addObject().put("name", file.name()).put("size", file.size()).put("sha256", file.sha256());
    }
    ObjectNode metrics = node.putObject("metrics");
    manifest.metrics().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> metrics.put(e.getKey(), e.getValue()));
    ArrayNode features = node.putObject("schema").putArray("features");
    manifest.features().forEach(features::add);
    node.set("training", Json.MAPPER.valueToTree(manifest.training()));
    if (!manifest.reference().isEmpty()) {
      ObjectNode reference = node.putObject("reference");
      List<String> order = new ArrayList<>(manifest.features());
      manifest.reference().keySet().stream().sorted().filter(f -> !order.contains(f)).forEach(order::add);
      for (String feature : order) {
        dev.modelregistry.FeatureReference ref = manifest.reference().get(feature);
        if (ref != null) {
          ObjectNode f = reference.putObject(feature);
          ArrayNode edges = f.putArray("edges");
          ref.edges().forEach(edges::add);
          ArrayNode proportions = f.putArray("proportions");
          ref.proportions().forEach(proportions::add);
          f.put("missing", ref.missing());
        }
      }
    }
    return Json.bytes(node);
  }

  // ---------------------------------------------------------------- schema and metrics

  /**
   * Parses {@code schema.json}: {@code {"features": [...]}}, also accepting {@code {"feature_names": [...]}}
   * and a bare array, which scripts commonly write.
   */
  public static List<String> parseSchema(String what, byte[] content) {
    return features(what, Json.tree(what, content));
  }

  /** Serializes a schema. */
  public static byte[] writeSchema(List<String> features) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    ArrayNode array = node.putArray("features");
    features.forEach(array::add);
    return Json.bytes(node);
  }

  /** Parses {@code metrics.json}: the numeric fields of an object; other fields are ignored. */
  public static Map<String, Double> parseMetrics(String what, byte[] content) {
    return numbers(what, Json.object(what, content));
  }

  /** Serializes metrics. */
  public static byte[] writeMetrics(Map<String, Double> metrics) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    metrics.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> node.put(e.getKey(), e.getValue()));
    return Json.bytes(node);
  }

  // ---------------------------------------------------------------- history and claims

  /** Serializes a history record. */
  public static byte[] writeHistory(PointerMove move) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("sequence", move.sequence());
    if (move.from() != null) {
      node.put("from", move.from().value());
    } else {
      node.putNull("from");
    }
    node.put("to", move.to().value());
    node.put("at", move.at());
    node.put("by", move.by());
    node.put("action", move.action());
    putIfSet(node, "reason", move.reason());
    writeCanary(node, move.canary());
    writeShadow(node, move.shadow());
    if (move.forced()) {
      node.put("forced", true);
    }
    return Json.bytes(node);
  }

  /** Parses a history record. */
  public static PointerMove parseHistory(String what, byte[] content) {
    ObjectNode node = Json.object(what, content);
    String from = Json.optionalText(what, node, "from");
    JsonNode sequence = node.get("sequence");
    return new PointerMove(
        sequence == null ? 0 : sequence.asLong(),
        from == null ? null : versionIn(what, "from", from),
        versionIn(what, "to", Json.requiredText(what, node, "to")),
        textOr(node, "at", ""),
        textOr(node, "by", ""),
        textOr(node, "action", "promote"),
        Json.optionalText(what, node, "reason"),
        parseCanary(what, node.get("canary")),
        parseShadow(what, node.get("shadow")),
        node.path("forced").asBoolean(false));
  }

  /** The content of a version claim: who claimed it, and when. */
  public static byte[] writeClaim(String by, String at) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("claimed_by", by);
    node.put("claimed_at", at);
    return Json.bytes(node);
  }

  // ---------------------------------------------------------------- helpers

  private static VersionId versionIn(String what, String field, String text) {
    if (!VersionId.isValid(text)) {
      throw new IllegalArgumentException(
          what + ": \"" + field + "\" is " + Names.quote(text)
              + ", which is not a version id (v<digits> or v<YYYYMMDD>_<HHMMSS>); the pointer is refused");
    }
    return VersionId.of(text);
  }

  private static List<String> features(String what, JsonNode node) {
    JsonNode array = node;
    if (node instanceof ObjectNode object) {
      array = object.has("features") ? object.get("features") : object.get("feature_names");
      if (array == null) {
        throw new IllegalArgumentException(what + " has no \"features\" array");
      }
    }
    if (!(array instanceof ArrayNode featureArray)) {
      throw new IllegalArgumentException(what + ": \"features\" must be an array of strings");
    }
    List<String> names = new ArrayList<>(featureArray.size());
    for (JsonNode name : featureArray) {
      if (!name.isTextual() || name.textValue().isEmpty()) {
        throw new IllegalArgumentException(
            what + ": every feature name must be a non-empty string, found " + Json.describe(name));
      }
      if (names.contains(name.textValue())) {
        throw new IllegalArgumentException(what + ": feature " + Names.quote(name.textValue()) + " is listed twice");
      }
      names.add(name.textValue());
    }
    return names;
  }

  private static Map<String, Double> numbers(String what, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(what + ": metrics must be an object of numbers");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> {
      if (e.getValue().isNumber()) {
        out.put(e.getKey(), e.getValue().doubleValue());
      }
    });
    return out;
  }

  /** The optional {@code reference}: feature name to {"edges", "proportions", "missing"}. */
  private static Map<String, dev.modelregistry.FeatureReference> reference(String what, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!(node instanceof ObjectNode object) || object.size() > 10_000) {
      throw new IllegalArgumentException("\"reference\" must be an object of at most 10000 features");
    }
    Map<String, dev.modelregistry.FeatureReference> out = new LinkedHashMap<>();
    var fields = object.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!(e.getValue() instanceof ObjectNode f)) {
        throw new IllegalArgumentException("reference of feature " + Names.quote(e.getKey()) + " must be an object");
      }
      try {
        out.put(e.getKey(), new dev.modelregistry.FeatureReference(doubles(f.get("edges")),
            doubles(f.get("proportions")), f.path("missing").asDouble(0)));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("reference of feature " + Names.quote(e.getKey()) + ": " + bad.getMessage(), bad);
      }
    }
    return out;
  }

  private static List<Double> doubles(@Nullable JsonNode node) {
    if (!(node instanceof ArrayNode array) || array.size() > dev.modelregistry.FeatureReference.MAX_BINS) {
      throw new IllegalArgumentException("edges and proportions must be arrays of at most "
          + dev.modelregistry.FeatureReference.MAX_BINS + " numbers");
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode v : array) {
      if (!v.isNumber()) {
        throw new IllegalArgumentException("edges and proportions must be numbers, found " + Json.describe(v));
      }
      out.add(v.doubleValue());
    }
    return out;
  }

  private static Map<String, Object> training(@Nullable JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
      }
    });
    return out;
  }

  private static String textOr(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : value.asText();
  }

  private static void putIfSet(ObjectNode node, String field, @Nullable String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

}
