package dev.modelregistry.spring;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Keeps the application's readiness state at {@link ReadinessState#REFUSING_TRAFFIC} while a required model
 * is not loaded, and accepts traffic once every required model is. Thread-safe.
 *
 * <p>Spring Boot marks the application ready right after startup; {@link ModelReadinessRunListener} calls
 * {@link #applicationReady()} after that, and the gate then refuses traffic if a required model is missing.
 * When a later swap brings the last missing model in, the gate accepts traffic again. It never refuses
 * traffic after that: models are not unloaded while the application runs.
 */
public class ModelReadinessGate implements RegistryListener {

  private static final Logger log = LoggerFactory.getLogger(ModelReadinessGate.class);

  private final ApplicationEventPublisher events;
  private final ObjectProvider<ModelRegistry> registry;
  private boolean ready;
  private boolean refusing;

  /** Creates the gate; the registry is looked up lazily, since it is built with this gate as a listener. */
  public ModelReadinessGate(ApplicationEventPublisher events, ObjectProvider<ModelRegistry> registry) {
    this.events = events;
    this.registry = registry;
  }

  /** Called once Spring Boot has marked the application ready. */
  public void applicationReady() {
    synchronized (this) {
      ready = true;
    }
    evaluate();
  }

  @Override
  public void onSwapped(RegistryEvent.Swapped event) {
    evaluate();
  }

  /** The required models that are not loaded. */
  public List<String> missingRequiredModels() {
    ModelRegistry models = registry.getIfAvailable();
    if (models == null) {
      return List.of();
    }
    return models.models().stream()
        .map(models::status)
        .filter(s -> s.required() && !s.loaded())
        .map(ModelStatus::model)
        .toList();
  }

  private void evaluate() {
    synchronized (this) {
      if (!ready) {
        return; // the first versions load while the registry is built, before the application is ready
      }
    }
    List<String> missing = missingRequiredModels();
    synchronized (this) {
      if (!missing.isEmpty() && !refusing) {
        refusing = true;
        log.warn("refusing traffic until the required models {} are loaded", missing);
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
      } else if (missing.isEmpty() && refusing) {
        refusing = false;
        log.info("every required model is loaded; accepting traffic");
        AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
      }
    }
  }
}
