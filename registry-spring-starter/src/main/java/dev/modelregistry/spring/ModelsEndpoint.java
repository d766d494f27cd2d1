package dev.modelregistry.spring;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.Gate;
import dev.modelregistry.GateRefusedException;
import dev.modelregistry.GateVerdict;
import dev.modelregistry.ModelCatalog;
import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.MoveOptions;
import dev.modelregistry.PointerMove;
import dev.modelregistry.Policy;
import dev.modelregistry.PublishException;
import dev.modelregistry.RegistryException;
import dev.modelregistry.RunRecord;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.VersionStatus;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code models} actuator endpoint. Thread-safe.
 *
 * <ul>
 *   <li>{@code GET /actuator/models}: every model's status;
 *   <li>{@code GET /actuator/models/{name}}: one model's status, and from the store's catalog its versions
 *       with their states and metrics, the pointer history, the newest runs and the policy;
 *   <li>{@code POST /actuator/models}: refresh every model now;
 *   <li>{@code POST /actuator/models/{name}} with {@code {"action": "refresh"}}: refresh one model now;
 *   <li>{@code POST /actuator/models/{name}} with an action that changes what is served, only with {@code
 *       model-registry.endpoint.write-operations-enabled=true} (403 otherwise): {@code {"action": "pin",
 *       "version": "v3"}} and {@code "unpin"} on this instance; on every instance that reads the store
 *       {@code {"action": "promote", "version": "v4"}}, {@code "rollback"}, {@code {"action": "canary",
 *       "version": "v8", "percent": 10}}, {@code {"action": "canary-percent", "percent": 25}}, {@code
 *       "canary-promote"}, {@code "canary-abort"}, {@code {"action": "shadow", "version": "v9", "sample":
 *       0.25}} and {@code "shadow-stop"}. Each takes an optional {@code "reason"}; promote, canary and
 *       canary-promote go through the model's gates and take {@code "force": true} (with a reason) to
 *       override them. A move the gates refuse answers 422 with the verdicts; a move to a version that is
 *       incomplete, archived or fails verification answers 409; the pointer does not move.
 * </ul>
 */
@Endpoint(id = "models")
public class ModelsEndpoint {

  private static final List<String> ACTIONS = List.of("refresh", "pin", "unpin", "promote", "rollback", "canary",
      "canary-percent", "canary-promote", "canary-abort", "shadow", "shadow-stop");
  private static final List<String> STORE_ACTIONS = ACTIONS.subList(3, ACTIONS.size());
  private static final List<String> NEED_VERSION = List.of("pin", "promote", "canary", "shadow");
  private static final int RUNS_SHOWN = 20;
  private static final int STATUS_UNPROCESSABLE = 422;

  private final ModelRegistry registry;
  private final @Nullable ModelCatalog catalog;
  private final @Nullable ModelPublisher publisher;
  private final boolean writeOperationsEnabled;
  private final Clock clock;

  /**
   * Creates the endpoint; {@code catalog} is null when there is no store to read (versions, history, runs
   * and policy are then not shown), {@code publisher} when the store cannot be written to (the store actions
   * are then unavailable).
   */
  public ModelsEndpoint(ModelRegistry registry, @Nullable ModelCatalog catalog, @Nullable ModelPublisher publisher,
      boolean writeOperationsEnabled, Clock clock) {
    this.registry = registry;
    this.catalog = catalog != null ? catalog : publisher != null ? publisher.catalog() : null;
    this.publisher = publisher;
    this.writeOperationsEnabled = writeOperationsEnabled;
    this.clock = clock;
  }

  /**
   * Creates the endpoint with the publisher's catalog; see {@link #ModelsEndpoint(ModelRegistry, ModelCatalog,
   * ModelPublisher, boolean, Clock)}.
   */
  public ModelsEndpoint(
      ModelRegistry registry, @Nullable ModelPublisher publisher, boolean writeOperationsEnabled, Clock clock) {
    this(registry, null, publisher, writeOperationsEnabled, clock);
  }

  /** Every model's status. */
  @ReadOperation
  public Map<String, Object> models() {
    List<Map<String, Object>> models = new ArrayList<>();
    for (String name : registry.models()) {
      models.add(ModelStatusDetails.of(registry.status(name), clock));
    }
    return Map.of("models", models, "writeOperationsEnabled", writeOperationsEnabled);
  }

  /** One model: its status, and the store's versions, history, runs and policy; 404 for an unknown model. */
  @ReadOperation
  public @Nullable Map<String, Object> model(@Selector String name) {
    if (!registry.models().contains(name)) {
      return null;
    }
    Map<String, Object> model = new LinkedHashMap<>(ModelStatusDetails.of(registry.status(name), clock));
    if (catalog != null) {
      try {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (VersionStatus status : catalog.versions(name)) {
          versions.add(version(status));
        }
        model.put("versions", versions);
        List<Map<String, Object>> history = new ArrayList<>();
        for (PointerMove move : catalog.history(name)) {
          history.add(move(move));
        }
        model.put("history", history);
        List<RunRecord> runs = catalog.runs(name);
        List<Map<String, Object>> newest = new ArrayList<>();
        for (RunRecord run : runs.subList(Math.max(0, runs.size() - RUNS_SHOWN), runs.size())) {
          newest.add(run(run));
        }
        model.put("runs", newest);
      } catch (RegistryException e) {
        model.put("storeError", e.getMessage());
      }
      try {
        catalog.policy(name).ifPresent(p -> model.put("policy", policy(p)));
      } catch (RegistryException | IllegalArgumentException e) {
        model.put("policyError", e.getMessage());
      }
    }
    return model;
  }

  /** Refreshes every model now. */
  @WriteOperation
  public Map<String, Object> refreshAll() {
    registry.refresh();
    return models();
  }

  /**
   * Acts on one model without rollout settings or a user; see {@link #act(String, String, String, String,
   * Double, Double, Boolean, SecurityContext)}.
   */
  public WebEndpointResponse<Map<String, Object>> act(
      String name, String action, @Nullable String version, @Nullable String reason) {
    return act(name, action, version, reason, null, null, null, SecurityContext.NONE);
  }

  /** Acts on one model as the authenticated user, without rollout settings. */
  public WebEndpointResponse<Map<String, Object>> act(
      String name, String action, @Nullable String version, @Nullable String reason, SecurityContext securityContext) {
    return act(name, action, version, reason, null, null, null, securityContext);
  }

  /** Acts on one model without a user. */
  public WebEndpointResponse<Map<String, Object>> act(String name, String action, @Nullable String version,
      @Nullable String reason, @Nullable Double percent, @Nullable Double sample, @Nullable Boolean force) {
    return act(name, action, version, reason, percent, sample, force, SecurityContext.NONE);
  }

  /**
   * Acts on one model; see the class description. Moves of the store's pointer record the authenticated
   * user's name in the pointer and history, or the endpoint's own name ({@code actuator@<host>}) without one.
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> act(@Selector String name, String action, @Nullable String version,
      @Nullable String reason, @Nullable Double percent, @Nullable Double sample, @Nullable Boolean force,
      SecurityContext securityContext) {
    if (!registry.models().contains(name)) {
      return error(WebEndpointResponse.STATUS_NOT_FOUND, "model " + name + " is not declared in this registry");
    }
    String verb = action.toLowerCase(Locale.ROOT);
    if (!ACTIONS.contains(verb)) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "unknown action " + action + "; expected one of " + ACTIONS);
    }
    if (!verb.equals("refresh") && !writeOperationsEnabled) {
      return error(403, "action " + verb + " changes what is served and is disabled; enable it with"
          + " model-registry.endpoint.write-operations-enabled=true, and secure the endpoint first");
    }
    if (NEED_VERSION.contains(verb) && (version == null || version.isBlank())) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "action " + verb + " needs a version, for example"
          + " {\"action\": \"" + verb + "\", \"version\": \"v3\"}");
    }
    if ((verb.equals("canary") || verb.equals("canary-percent")) && percent == null) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "action " + verb + " needs a percent, for example"
          + " {\"action\": \"" + verb + "\", \"percent\": 10}");
    }
    if (Boolean.TRUE.equals(force) && !List.of("promote", "canary", "canary-promote").contains(verb)) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "action " + verb + " passes no gates, so it cannot be"
          + " forced; force applies to promote, canary and canary-promote");
    }
    if (STORE_ACTIONS.contains(verb) && publisher == null) {
      return error(409, "the store of this registry cannot be written to; " + verb + " is unavailable");
    }
    try {
      MoveOptions options = Boolean.TRUE.equals(force) ? MoveOptions.forced(reason == null ? "" : reason)
          : MoveOptions.because(reason);
      switch (verb) {
        case "pin" -> registry.pin(name, version);
        case "unpin" -> registry.unpin(name);
        case "refresh" -> registry.refresh(name);
        default -> {
          ModelPublisher store = as(securityContext);
          switch (verb) {
            case "promote" -> store.promoteWith(name, version, options);
            case "rollback" -> store.rollback(name, reason);
            case "canary" -> store.startCanaryWith(name, version, requireNonNull(percent), options);
            case "canary-percent" -> store.setCanaryPercent(name, requireNonNull(percent), reason);
            case "canary-promote" -> store.promoteCanaryWith(name, options);
            case "canary-abort" -> store.abortCanary(name, reason);
            case "shadow" -> store.startShadow(name, version, sample == null ? 1.0 : sample, reason);
            case "shadow-stop" -> store.stopShadow(name, reason);
            default -> throw new IllegalStateException("unhandled action " + verb);
          }
          registry.refresh(name);
        }
      }
    } catch (IllegalArgumentException e) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
    } catch (GateRefusedException e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.getMessage());
      body.put("verdicts", e.verdicts().stream().map(ModelsEndpoint::verdict).toList());
      return new WebEndpointResponse<>(body, STATUS_UNPROCESSABLE);
    } catch (ModelLoadException | PublishException e) {
      return error(409, e.getMessage());
    }
    return new WebEndpointResponse<>(ModelStatusDetails.of(registry.status(name), clock), WebEndpointResponse.STATUS_OK);
  }

  private ModelPublisher as(SecurityContext securityContext) {
    Principal principal = securityContext.getPrincipal();
    ModelPublisher writer = Objects.requireNonNull(publisher);
    return principal == null || principal.getName() == null || principal.getName().isBlank()
        ? writer
        : writer.withPublishedBy(principal.getName());
  }

  private static WebEndpointResponse<Map<String, Object>> error(int status, @Nullable String message) {
    return new WebEndpointResponse<>(Map.of("error", String.valueOf(message)), status);
  }

  private static Map<String, Object> version(VersionStatus status) {
    VersionInfo info = status.info();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", info.version().value());
    out.put("state", info.state().name().toLowerCase(Locale.ROOT));
    out.put("states", status.states().stream().sorted().map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
    if (info.manifest() != null) {
      out.put("format", info.manifest().format());
      out.put("createdAt", info.manifest().createdAt());
    }
    out.put("files", info.files());
    out.put("metrics", info.metrics());
    out.put("features", info.features());
    return out;
  }

  private static Map<String, Object> move(PointerMove move) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sequence", move.sequence());
    out.put("from", move.from() == null ? null : move.from().value());
    out.put("to", move.to().value());
    out.put("at", move.at());
    out.put("by", move.by());
    out.put("action", move.action());
    if (move.reason() != null) {
      out.put("reason", move.reason());
    }
    if (move.forced()) {
      out.put("forced", true);
    }
    return out;
  }

  private static Map<String, Object> run(RunRecord run) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runId", run.id());
    out.put("status", run.status().name().toLowerCase(Locale.ROOT));
    out.put("trainedAt", run.trainedAt());
    out.put("rows", run.rows());
    out.put("metrics", run.metrics());
    out.put("version", run.version() == null ? null : run.version().value());
    out.put("promoted", run.promoted());
    out.put("error", run.error());
    out.put("verdicts", run.verdicts().stream().map(ModelsEndpoint::verdict).toList());
    return out;
  }

  private static Map<String, Object> verdict(GateVerdict verdict) {
    return Map.of("gate", verdict.gate(), "passed", verdict.passed(), "message", verdict.message());
  }

  private static Map<String, Object> policy(Policy policy) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("gates", policy.gates().stream().map(Gate::toString).toList());
    out.put("requiredMetrics", policy.requiredMetrics());
    out.put("sameFeatures", policy.sameFeatures());
    Map<String, Object> retention = new LinkedHashMap<>();
    if (policy.retention().keepLast() > 0) {
      retention.put("keepLast", policy.retention().keepLast());
    }
    if (policy.retention().keepNewerThan() != null) {
      retention.put("keepNewerThan", policy.retention().keepNewerThan().toString());
    }
    out.put("retention", retention);
    return out;
  }
}
