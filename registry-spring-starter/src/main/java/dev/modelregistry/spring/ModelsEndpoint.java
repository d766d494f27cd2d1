package dev.modelregistry.spring;

import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.PointerMove;
import dev.modelregistry.PublishException;
import dev.modelregistry.RegistryException;
import dev.modelregistry.VersionInfo;
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
 *   <li>{@code GET /actuator/models/{name}}: one model's status, the versions in the store with their
 *       metrics, and the pointer history;
 *   <li>{@code POST /actuator/models}: refresh every model now;
 *   <li>{@code POST /actuator/models/{name}} with {@code {"action": "refresh"}}: refresh one model now;
 *   <li>{@code POST /actuator/models/{name}} with {@code {"action": "pin", "version": "v3"}}, {@code "unpin"},
 *       {@code {"action": "promote", "version": "v4", "reason": "..."}} or {@code {"action": "rollback"}}:
 *       only with {@code model-registry.endpoint.write-operations-enabled=true} (403 otherwise), because
 *       they change what is served: pin and unpin on this instance, promote and roll back on every instance
 *       that reads the store.
 * </ul>
 */
@Endpoint(id = "models")
public class ModelsEndpoint {

  private static final List<String> ACTIONS = List.of("refresh", "pin", "unpin", "promote", "rollback");

  private final ModelRegistry registry;
  private final @Nullable ModelPublisher publisher;
  private final boolean writeOperationsEnabled;
  private final Clock clock;

  /**
   * Creates the endpoint; {@code publisher} is null when the store cannot be written to (versions, history,
   * promote and roll back are then unavailable).
   */
  public ModelsEndpoint(
      ModelRegistry registry, @Nullable ModelPublisher publisher, boolean writeOperationsEnabled, Clock clock) {
    this.registry = registry;
    this.publisher = publisher;
    this.writeOperationsEnabled = writeOperationsEnabled;
    this.clock = clock;
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

  /** One model: its status, the store's versions and the pointer history; 404 for an unknown model. */
  @ReadOperation
  public @Nullable Map<String, Object> model(@Selector String name) {
    if (!registry.models().contains(name)) {
      return null;
    }
    Map<String, Object> model = new LinkedHashMap<>(ModelStatusDetails.of(registry.status(name), clock));
    if (publisher != null) {
      try {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (VersionInfo info : publisher.versions(name)) {
          versions.add(version(info));
        }
        model.put("versions", versions);
        List<Map<String, Object>> history = new ArrayList<>();
        for (PointerMove move : publisher.history(name)) {
          history.add(move(move));
        }
        model.put("history", history);
      } catch (RegistryException e) {
        model.put("storeError", e.getMessage());
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
   * Acts on one model; see the class description. Promote and roll back record the authenticated user's
   * name in the pointer and history, or the endpoint's own name ({@code actuator@<host>}) without one.
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> act(
      @Selector String name, String action, @Nullable String version, @Nullable String reason,
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
    if ((verb.equals("pin") || verb.equals("promote")) && (version == null || version.isBlank())) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "action " + verb + " needs a version, for example"
          + " {\"action\": \"" + verb + "\", \"version\": \"v3\"}");
    }
    if ((verb.equals("promote") || verb.equals("rollback")) && publisher == null) {
      return error(409, "the store of this registry cannot be written to; " + verb + " is unavailable");
    }
    try {
      switch (verb) {
        case "pin" -> registry.pin(name, version);
        case "unpin" -> registry.unpin(name);
        case "promote" -> {
          as(securityContext).promote(name, version, reason);
          registry.refresh(name);
        }
        case "rollback" -> {
          as(securityContext).rollback(name, reason);
          registry.refresh(name);
        }
        default -> registry.refresh(name);
      }
    } catch (IllegalArgumentException e) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
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

  private static WebEndpointResponse<Map<String, Object>> error(int status, String message) {
    return new WebEndpointResponse<>(Map.of("error", message), status);
  }

  private static Map<String, Object> version(VersionInfo info) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", info.version().value());
    out.put("state", info.state().name().toLowerCase(Locale.ROOT));
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
    return out;
  }
}
