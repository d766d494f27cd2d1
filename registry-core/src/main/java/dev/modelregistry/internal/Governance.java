package dev.modelregistry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelregistry.Gate;
import dev.modelregistry.GateVerdict;
import dev.modelregistry.Names;
import dev.modelregistry.Policy;
import dev.modelregistry.Retention;
import dev.modelregistry.RunRecord;
import dev.modelregistry.VersionId;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The governance objects of the storage format: {@code <model>/policy.json}, the run log {@code
 * <model>/runs/<id>.json} and the deletion markers {@code <model>/archived/<version>.json}, their keys and
 * codecs. These files are written by others too (a Python job writes a policy, anyone can drop a run), so
 * every parse is strict, bounded and names the file in its message. Stateless and thread-safe.
 */
public final class Governance {

  /** A model's policy file. */
  public static final String POLICY = "policy.json";
  /** The folder of a model's run records. */
  public static final String RUNS = "runs";
  /** The folder of a model's deletion markers. */
  public static final String ARCHIVED = "archived";
  /** The largest policy, run record or marker read, in bytes. */
  public static final int MAX_FILE = 256 * 1024;
  /** The longest error or verdict message kept in a run record. */
  public static final int MAX_MESSAGE = 4000;

  private static final Pattern RUN_ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{8}");
  private static final Set<String> POLICY_FIELDS =
      Set.of("gates", "required_metrics", "same_features", "retention", "description");
  private static final Set<String> RETENTION_FIELDS = Set.of("keep_last", "keep_newer_than");

  private Governance() {}

  /** The key of a model's policy. */
  public static String policyKey(String model) {
    return Names.requireModelName(model) + "/" + POLICY;
  }

  /** The folder of a model's runs. */
  public static String runsFolder(String model) {
    return Names.requireModelName(model) + "/" + RUNS;
  }

  /** The key of a run record. */
  public static String runKey(String model, String runId) {
    if (!isRunId(runId)) {
      throw new IllegalArgumentException("run id " + Names.quote(runId) + " is not <yyyyMMdd-HHmmss>-<8 hex>");
    }
    return runsFolder(model) + "/" + runId + ".json";
  }

  /** Whether {@code id} is a run id. */
  public static boolean isRunId(String id) {
    return RUN_ID.matcher(id).matches();
  }

  /** The folder of a model's deletion markers. */
  public static String archivedFolder(String model) {
    return Names.requireModelName(model) + "/" + ARCHIVED;
  }

  /** The key of the deletion marker of a version. */
  public static String markerKey(String model, VersionId version) {
    return archivedFolder(model) + "/" + version.value() + ".json";
  }

  /** The version a marker's object name marks, or null if the name is not a marker's. */
  public static @Nullable VersionId markedVersion(String objectName) {
    if (!objectName.endsWith(".json")) {
      return null;
    }
    String id = objectName.substring(0, objectName.length() - ".json".length());
    return VersionId.isValid(id) ? VersionId.of(id) : null;
  }

  // ---------------------------------------------------------------- policy

  /**
   * Parses {@code policy.json}. Strict: an unknown field is refused (a misspelt {@code "gate"} must not
   * silently turn the gates off).
   *
   * @param what the file, for messages ({@code s3://bucket/models/m/policy.json})
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static Policy parsePolicy(String what, byte[] content) {
    if (content.length > MAX_FILE) {
      throw new IllegalArgumentException(what + " has " + content.length + " bytes; a policy has at most " + MAX_FILE);
    }
    ObjectNode node = Json.object(what, content);
    try {
      requireKnown(node, POLICY_FIELDS, "policy");
      Policy.Builder policy = Policy.builder();
      for (String gate : strings(node.get("gates"), "gates", Policy.MAX_GATES)) {
        policy.gate(gate);
      }
      List<String> required = strings(node.get("required_metrics"), "required_metrics", Policy.MAX_GATES);
      policy.requireMetrics(required.toArray(String[]::new));
      JsonNode same = node.get("same_features");
      if (same != null && !same.isNull()) {
        if (!same.isBoolean()) {
          throw new IllegalArgumentException("\"same_features\" must be true or false but is " + Json.describe(same));
        }
        if (same.booleanValue()) {
          policy.sameFeatures();
        }
      }
      JsonNode retention = node.get("retention");
      if (retention != null && !retention.isNull()) {
        policy.retention(retention(retention));
      }
      return policy.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage() + "; the policy is refused", e);
    }
  }

  private static Retention retention(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException("\"retention\" must be an object like {\"keep_last\": 10,"
          + " \"keep_newer_than\": \"P30D\"} but is " + Json.describe(node));
    }
    requireKnown(object, RETENTION_FIELDS, "retention");
    int keepLast = 0;
    JsonNode last = object.get("keep_last");
    if (last != null && !last.isNull()) {
      if (!last.isIntegralNumber() || !last.canConvertToInt() || last.intValue() < 1
          || last.intValue() > Retention.MAX_KEEP_LAST) {
        throw new IllegalArgumentException("\"retention.keep_last\" must be an integer in [1, "
            + Retention.MAX_KEEP_LAST + "] but is " + Json.describe(last));
      }
      keepLast = last.intValue();
    }
    Duration age = null;
    JsonNode newer = object.get("keep_newer_than");
    if (newer != null && !newer.isNull()) {
      if (!newer.isTextual()) {
        throw new IllegalArgumentException("\"retention.keep_newer_than\" must be an ISO-8601 duration such as"
            + " \"P30D\" or \"PT12H\" but is " + Json.describe(newer));
      }
      try {
        age = Duration.parse(newer.textValue());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("\"retention.keep_newer_than\" is " + Names.quote(newer.textValue())
            + ", not an ISO-8601 duration such as \"P30D\" or \"PT12H\"");
      }
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("\"retention.keep_newer_than\" must be positive but is " + newer.textValue());
      }
    }
    return new Retention(keepLast, age, Set.of());
  }

  /** Serializes a policy as {@link #parsePolicy} reads it. */
  public static byte[] writePolicy(Policy policy) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    ArrayNode gates = node.putArray("gates");
    policy.gates().forEach(g -> gates.add(g.toString()));
    ArrayNode required = node.putArray("required_metrics");
    policy.requiredMetrics().forEach(required::add);
    node.put("same_features", policy.sameFeatures());
    Retention r = policy.retention();
    if (r.hasRules()) {
      ObjectNode retention = node.putObject("retention");
      if (r.keepLast() > 0) {
        retention.put("keep_last", r.keepLast());
      }
      if (r.keepNewerThan() != null) {
        retention.put("keep_newer_than", r.keepNewerThan().toString());
      }
    }
    return Json.bytes(node);
  }

  // ---------------------------------------------------------------- runs

  /** Serializes a run record. */
  public static byte[] writeRun(RunRecord run) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("run_id", run.id());
    node.put("model", run.model());
    node.put("status", run.status().name().toLowerCase(Locale.ROOT));
    node.put("trained_at", run.trainedAt());
    node.put("finished_at", run.finishedAt());
    node.put("by", run.by());
    if (run.rows() != null) {
      node.put("rows", run.rows());
    } else {
      node.putNull("rows");
    }
    ObjectNode metrics = node.putObject("metrics");
    run.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> metrics.put(e.getKey(), e.getValue()));
    if (run.version() != null) {
      node.put("version", run.version().value());
    } else {
      node.putNull("version");
    }
    node.put("promoted", run.promoted());
    if (run.error() != null) {
      node.put("error", clip(run.error()));
    } else {
      node.putNull("error");
    }
    node.set("training", Json.MAPPER.valueToTree(run.training()));
    ArrayNode verdicts = node.putArray("verdicts");
    for (GateVerdict v : run.verdicts()) {
      verdicts.addObject().put("gate", v.gate()).put("passed", v.passed()).put("message", clip(v.message()));
    }
    return Json.bytes(node);
  }

  /**
   * Parses a run record; the {@code run_id} must be the file's.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static RunRecord parseRun(String what, String model, String runId, byte[] content) {
    if (content.length > MAX_FILE) {
      throw new IllegalArgumentException(what + " has " + content.length + " bytes; a run record has at most " + MAX_FILE);
    }
    ObjectNode node = Json.object(what, content);
    try {
      String id = Json.requiredText(what, node, "run_id");
      if (!id.equals(runId)) {
        throw new IllegalArgumentException("\"run_id\" is " + Names.quote(id) + " but the file is " + runId + ".json");
      }
      String status = Json.requiredText(what, node, "status");
      RunRecord.Status parsed;
      try {
        parsed = RunRecord.Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"status\" is " + Names.quote(status) + ", not completed, refused or failed");
      }
      JsonNode rows = node.get("rows");
      String version = Json.optionalText(what, node, "version");
      if (version != null && !VersionId.isValid(version)) {
        throw new IllegalArgumentException("\"version\" is " + Names.quote(version) + ", not a version id");
      }
      JsonNode promoted = node.get("promoted");
      List<GateVerdict> verdicts = new ArrayList<>();
      JsonNode array = node.get("verdicts");
      if (array instanceof ArrayNode list) {
        for (JsonNode v : list) {
          if (v instanceof ObjectNode o) {
            verdicts.add(new GateVerdict(textOr(o, "gate"), o.path("passed").asBoolean(false), textOr(o, "message")));
          }
        }
      }
      return new RunRecord(id, model, parsed,
          textOr(node, "trained_at"), textOr(node, "finished_at"), textOr(node, "by"),
          rows != null && rows.isIntegralNumber() && rows.canConvertToLong() ? rows.longValue() : null,
          numbers(node.get("metrics")),
          version == null ? null : VersionId.of(version),
          version != null && promoted != null && promoted.asBoolean(false),
          Json.optionalText(what, node, "error"),
          objectMap(node.get("training")),
          verdicts);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IllegalArgumentException(what + ": " + e.getMessage() + "; the run record is skipped", e);
    }
  }

  // ---------------------------------------------------------------- markers

  /** The content of a deletion marker: who archived the version, when and why. */
  public static byte[] writeMarker(VersionId version, String at, String by, String reason) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("version", version.value());
    node.put("archived_at", at);
    node.put("archived_by", by);
    node.put("reason", reason);
    return Json.bytes(node);
  }

  // ---------------------------------------------------------------- helpers

  private static void requireKnown(ObjectNode node, Set<String> known, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown field " + Names.quote(name) + " in the " + what + "; known fields are "
            + known.stream().sorted().toList());
      }
    }
  }

  private static List<String> strings(@Nullable JsonNode node, String field, int max) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!(node instanceof ArrayNode array)) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array of strings but is " + Json.describe(node));
    }
    if (array.size() > max) {
      throw new IllegalArgumentException("\"" + field + "\" has " + array.size() + " entries; at most " + max);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException("\"" + field + "\" must hold strings, found " + Json.describe(item));
      }
      out.add(item.textValue());
    }
    return out;
  }

  private static Map<String, Double> numbers(@Nullable JsonNode node) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (node instanceof ObjectNode object) {
      object.fields().forEachRemaining(e -> {
        if (e.getValue().isNumber() && Double.isFinite(e.getValue().doubleValue())) {
          out.put(e.getKey(), e.getValue().doubleValue());
        }
      });
    }
    return out;
  }

  private static Map<String, Object> objectMap(@Nullable JsonNode node) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node instanceof ObjectNode object) {
      object.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          out.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
        }
      });
    }
    return out;
  }

  private static String textOr(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static String clip(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
