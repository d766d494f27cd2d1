package dev.modelregistry.internal;

import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelStatus.PollResult;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryException;
import dev.modelregistry.RegistryListener;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each event at its level and hands it to the listeners, catching whatever a listener throws.
 * Thread-safe. Levels: INFO when the served version changes, WARN when something fails, DEBUG per poll.
 */
final class Events {

  private static final Logger log = LoggerFactory.getLogger("dev.modelregistry.ModelRegistry");

  private final List<RegistryListener> listeners;

  Events(List<RegistryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void loaded(String model, String version, ModelSource source, Duration took, long bytes) {
    log.debug("model {} {}: loaded from {} in {} ms ({} bytes downloaded)",
        model, version, lower(source), took.toMillis(), bytes);
    fire(l -> l.onLoaded(new RegistryEvent.Loaded(model, version, source, took, bytes)));
  }

  void swapped(String model, @Nullable String previous, String version, ModelSource source) {
    if (previous == null) {
      log.info("model {}: now serving {} (from {})", model, version, lower(source));
    } else {
      log.info("model {}: now serving {} (from {}), replacing {}", model, version, lower(source), previous);
    }
    fire(l -> l.onSwapped(new RegistryEvent.Swapped(model, previous, version, source)));
  }

  void loadFailed(
      String model, @Nullable String version, ModelSource source, Throwable cause, @Nullable String serving) {
    String what = cause instanceof RegistryException
        ? cause.getMessage()
        : "model " + model + (version == null ? "" : " " + version) + " from " + lower(source)
            + " was not loaded: " + cause;
    String then = serving == null ? "no version is served yet" : serving + " keeps serving";
    if (cause instanceof RegistryException && cause.getCause() == null) {
      log.warn("{}; {}", what, then); // the message says it all; a stack trace would only add noise
    } else {
      log.warn("{}; {}", what, then, cause);
    }
    fire(l -> l.onLoadFailed(new RegistryEvent.LoadFailed(model, version, source, cause)));
  }

  void fellBack(String model, ModelSource source, String version, String reason) {
    log.warn("model {}: serving {} from the {} because the store could not give it: {}",
        model, version, source == ModelSource.CACHE ? "local cache" : "bundled copy", reason);
    fire(l -> l.onFellBack(new RegistryEvent.FellBack(model, source, version, reason)));
  }

  void retired(String model, String version, long inFlight) {
    log.debug("model {} {}: retired with {} calls in flight", model, version, inFlight);
    fire(l -> l.onRetired(new RegistryEvent.Retired(model, version, inFlight)));
  }

  void closed(String model, String version, Duration waited) {
    log.debug("model {} {}: closed {} ms after it was retired", model, version, waited.toMillis());
    fire(l -> l.onClosed(new RegistryEvent.Closed(model, version, waited)));
  }

  void polled(String model, PollResult result, Duration took, @Nullable Throwable failure) {
    if (failure != null) {
      log.warn("model {}: poll failed after {} ms: {}", model, took.toMillis(), failure.getMessage());
      log.debug("model {}: poll failure", model, failure);
    } else {
      log.debug("model {}: polled in {} ms: {}", model, took.toMillis(), lower(result));
    }
    fire(l -> l.onPolled(new RegistryEvent.Polled(model, result, took, failure)));
  }

  void leaseOverdue(
      String model, String version, Duration heldFor, String thread, @Nullable Throwable acquiredAt) {
    log.warn("model {} {}: a lease has been held for {} ms by thread {}; a retired version stays open"
        + " until its leases are closed", model, version, heldFor.toMillis(), thread, acquiredAt);
    fire(l -> l.onLeaseOverdue(new RegistryEvent.LeaseOverdue(model, version, heldFor, thread, acquiredAt)));
  }

  private void fire(Consumer<RegistryListener> call) {
    for (RegistryListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("listener {} threw; ignored", listener.getClass().getName(), e);
      }
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
