package dev.modelregistry.spring;

import dev.modelregistry.Experiment;
import dev.modelregistry.ExperimentDefinition;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.PublishException;
import dev.modelregistry.StorageException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code experiments} actuator endpoint. Thread-safe.
 *
 * <ul>
 *   <li>{@code GET /actuator/experiments}: each declared experiment's definition and its assignments per
 *       variant since the service started;
 *   <li>{@code POST /actuator/experiments/{name}} with {@code {"variants": [{"name": "control", "model":
 *       "rec_control", "weight": 25}, ...], "salt": "...", "enabled": true, "reason": "..."}}: writes
 *       {@code _experiments/<name>.json} by compare-and-set, with a history record naming the authenticated
 *       user; every instance follows at its next poll. Only with {@code
 *       model-registry.endpoint.write-operations-enabled=true} (403 otherwise), like the models endpoint's
 *       moves.
 * </ul>
 */
@Endpoint(id = "experiments")
public class ExperimentsEndpoint {

  private final ModelRegistry registry;
  private final @Nullable ModelPublisher publisher;
  private final boolean writeOperationsEnabled;

  /** Creates the endpoint; {@code publisher} is null when the store cannot be written to. */
  public ExperimentsEndpoint(ModelRegistry registry, @Nullable ModelPublisher publisher, boolean writeOperationsEnabled) {
    this.registry = registry;
    this.publisher = publisher;
    this.writeOperationsEnabled = writeOperationsEnabled;
  }

  /** Every declared experiment. */
  @ReadOperation
  public Map<String, Object> experiments() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : registry.experiments()) {
      Experiment experiment = registry.experiment(name);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", name);
      try {
        ExperimentDefinition d = experiment.definition();
        e.put("enabled", d.enabled());
        e.put("salt", d.group());
        List<Map<String, Object>> variants = new ArrayList<>();
        for (ExperimentDefinition.Variant v : d.variants()) {
          variants.add(Map.of("name", v.name(), "model", v.model(), "weight", v.weight()));
        }
        e.put("variants", variants);
      } catch (IllegalStateException notRead) {
        e.put("error", notRead.getMessage());
      }
      e.put("assignments", experiment.assignments());
      out.add(e);
    }
    return Map.of("experiments", out, "writeOperationsEnabled", writeOperationsEnabled);
  }

  /** Writes an experiment's definition; see the class description. */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> write(@Selector String name, List<Map<String, Object>> variants,
      @Nullable String salt, @Nullable Boolean enabled, @Nullable String reason, SecurityContext securityContext) {
    if (!writeOperationsEnabled) {
      return new WebEndpointResponse<>(Map.of("error", "writing experiments changes what is served and is disabled;"
          + " enable it with model-registry.endpoint.write-operations-enabled=true after securing the endpoint"),
          403);
    }
    if (publisher == null) {
      return new WebEndpointResponse<>(Map.of("error", "the store cannot be written to"), 409);
    }
    ExperimentDefinition definition;
    try {
      List<ExperimentDefinition.Variant> list = new ArrayList<>();
      for (Map<String, Object> v : variants) {
        Object weight = v.get("weight");
        if (!(weight instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new IllegalArgumentException("variant " + v.get("name") + " needs an integer weight");
        }
        list.add(new ExperimentDefinition.Variant(String.valueOf(v.get("name")), String.valueOf(v.get("model")),
            n.intValue()));
      }
      definition = new ExperimentDefinition(name, salt, enabled == null || enabled, list);
    } catch (IllegalArgumentException e) {
      return new WebEndpointResponse<>(Map.of("error", String.valueOf(e.getMessage())), 400);
    }
    Principal principal = securityContext.getPrincipal();
    ModelPublisher writer = principal == null || principal.getName() == null || principal.getName().isBlank()
        ? publisher : publisher.withPublishedBy(principal.getName());
    try {
      long sequence = writer.writeExperiment(definition, reason);
      registry.refresh();
      return new WebEndpointResponse<>(Map.of("experiment", name, "sequence", sequence), 200);
    } catch (PublishException | StorageException e) {
      return new WebEndpointResponse<>(Map.of("error", String.valueOf(e.getMessage())), 409);
    }
  }
}
