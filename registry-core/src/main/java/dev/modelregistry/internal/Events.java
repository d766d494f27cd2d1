package dev.modelregistry.internal;

import dev.modelregistry.ModelSource;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.ShadowComparison;
import dev.modelregistry.ModelStatus.PollResult;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryException;
import dev.modelregistry.RegistryListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each event at its level and hands it to the listeners, catching whatever a listener throws.
 * Thread-safe. Levels: INFO when the served version changes, WARN when something fails, DEBUG per poll.
 *
 * <p>Events of one model are delivered one at a time, in the order they were reported: each model has a
 * queue, and the thread that reports an event delivers it, and whatever else is queued, unless another
 * thread is delivering that model's events already (then that thread delivers it). Callers report events
 * after the state change they describe, never while holding a lock, so a listener may read the registry
 * (status, current, stats) from any event without deadlocking.
 */
final class Events {

  private static final Logger log = LoggerFactory.getLogger("dev.modelregistry.ModelRegistry");

  private final List<RegistryListener> listeners;
  private final ConcurrentHashMap<String, Serial> queues = new ConcurrentHashMap<>();

  Events(List<RegistryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void loaded(String model, String version, ModelSource source, Duration took, long bytes) {
    post(model, () -> {
    log.debug("model {} {}: loaded from {} in {} ms ({} bytes downloaded)",
        model, version, lower(source), took.toMillis(), bytes);
    fire(l -> l.onLoaded(new RegistryEvent.Loaded(model, version, source, took, bytes)));
    });
  }

  void swapped(String model, @Nullable String previous, String version, ModelSource source) {
    post(model, () -> {
    if (previous == null) {
      log.info("model {}: now serving {} (from {})", model, version, lower(source));
    } else {
      log.info("model {}: now serving {} (from {}), replacing {}", model, version, lower(source), previous);
    }
    fire(l -> l.onSwapped(new RegistryEvent.Swapped(model, previous, version, source)));
    });
  }

  void loadFailed(
      String model, @Nullable String version, ModelSource source, Throwable cause, @Nullable String serving) {
    post(model, () -> {
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
    });
  }

  void fellBack(String model, ModelSource source, String version, String reason) {
    post(model, () -> {
    log.warn("model {}: serving {} from the {} because the store could not give it: {}",
        model, version, source == ModelSource.CACHE ? "local cache" : "bundled copy", reason);
    fire(l -> l.onFellBack(new RegistryEvent.FellBack(model, source, version, reason)));
    });
  }

  void retired(String model, String version, long inFlight) {
    post(model, () -> {
    log.debug("model {} {}: retired with {} calls in flight", model, version, inFlight);
    fire(l -> l.onRetired(new RegistryEvent.Retired(model, version, inFlight)));
    });
  }

  void closed(String model, String version, Duration waited) {
    post(model, () -> {
    log.debug("model {} {}: closed {} ms after it was retired", model, version, waited.toMillis());
    fire(l -> l.onClosed(new RegistryEvent.Closed(model, version, waited)));
    });
  }

  void evicted(String model, String reason) {
    post(model, () -> {
      log.info("model {}: evicted ({}); it is loaded again when asked for", model, reason);
      fire(l -> l.onEvicted(new RegistryEvent.Evicted(model, reason)));
    });
  }

  void polled(String model, PollResult result, Duration took, @Nullable Throwable failure) {
    post(model, () -> {
    if (failure != null) {
      log.warn("model {}: poll failed after {} ms: {}", model, took.toMillis(), failure.getMessage());
      log.debug("model {}: poll failure", model, failure);
    } else {
      log.debug("model {}: polled in {} ms: {}", model, took.toMillis(), lower(result));
    }
    fire(l -> l.onPolled(new RegistryEvent.Polled(model, result, took, failure)));
    });
  }

  void leaseOverdue(
      String model, String version, Duration heldFor, String thread, @Nullable Throwable acquiredAt) {
    post(model, () -> {
    if (acquiredAt != null) {
      log.warn("model {} {}: a lease has been held for {} ms by thread {}; a retired version stays open"
          + " until its leases are closed", model, version, heldFor.toMillis(), thread, acquiredAt);
    } else {
      log.warn("model {} {}: a lease has been held for at least {} ms; a retired version stays open until its"
          + " leases are closed (build the registry with captureLeaseStacks(true) to see where leases are"
          + " taken)", model, version, heldFor.toMillis());
    }
    fire(l -> l.onLeaseOverdue(new RegistryEvent.LeaseOverdue(model, version, heldFor, thread, acquiredAt)));
    });
  }

  void rolloutChanged(String model, ModelStatus.Rollout rollout) {
    post(model, () -> {
      log.info("model {}: rollout now canary {} at {}%, shadow {} at {}", model, rollout.canaryVersion(),
          rollout.canaryPercent(), rollout.shadowVersion(), rollout.shadowSample());
      fire(l -> l.onRolloutChanged(new RegistryEvent.RolloutChanged(model, rollout)));
    });
  }

  void shadowCompared(String model, ShadowComparison comparison) {
    post(model, () -> {
      log.info("model {}: shadow {} against {} ended: {} calls, agreement {}, |difference| p99 {}, {} dropped,"
          + " {} errors", model, comparison.shadowVersion(), comparison.stableVersion(), comparison.calls(),
          comparison.agreement(), comparison.differenceP99(), comparison.dropped(), comparison.errors());
      fire(l -> l.onShadowCompared(new RegistryEvent.ShadowCompared(model, comparison)));
    });
  }

  void qualityChanged(String model, dev.modelregistry.QualityReport.ArmQuality quality) {
    post(model, () -> {
      if (quality.state() == dev.modelregistry.QualityReport.State.DEGRADED) {
        log.warn("model {} {} ({}): degraded: {}", model, quality.version(), lower(quality.arm()),
            String.join("; ", quality.breaches()));
      } else {
        log.info("model {} {} ({}): quality recovered: {}", model, quality.version(), lower(quality.arm()),
            quality.observed());
      }
      fire(l -> l.onQualityChanged(new RegistryEvent.QualityChanged(model, quality)));
    });
  }

  void inputDrifted(String model, dev.modelregistry.QualityReport.FeatureDrift drift) {
    post(model, () -> {
      String line = String.format(java.util.Locale.ROOT, "feature %s of %s: PSI %.3f, Jensen-Shannon distance %.3f over"
          + " %d samples (%s)", drift.feature(), drift.version(), drift.psi(), drift.jsDistance(), drift.samples(),
          lower(drift.level()));
      if (drift.level() == dev.modelregistry.QualityReport.DriftLevel.OK) {
        log.info("model {}: input back to its reference: {}", model, line);
      } else {
        log.warn("model {}: input drift: {}", model, line);
      }
      fire(l -> l.onInputDrifted(new RegistryEvent.InputDrifted(model, drift)));
    });
  }

  private void fire(Consumer<RegistryListener> call) {
    for (RegistryListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.warn("listener {} threw; ignored", listener.getClass().getName(), e);
      }
    }
  }

  private void post(String model, Runnable delivery) {
    queues.computeIfAbsent(model, m -> new Serial()).run(delivery);
  }

  /** Runs tasks one at a time in order, on the threads that submit them, never two at once. */
  private static final class Serial {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    void run(Runnable task) {
      queue.add(task);
      if (pending.getAndIncrement() != 0) {
        return; // the thread delivering now delivers this one too
      }
      int missed = 1;
      do {
        for (Runnable next; (next = queue.poll()) != null; ) {
          try {
            next.run();
          } catch (RuntimeException e) {
            log.warn("reporting an event failed; ignored", e);
          }
        }
        missed = pending.addAndGet(-missed);
      } while (missed != 0);
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
