package dev.modelregistry.spring;

import dev.modelregistry.ModelStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A model's status as the plain map that health details and the endpoint show. Stateless. */
final class ModelStatusDetails {

  private ModelStatusDetails() {}

  static Map<String, Object> of(ModelStatus status, Clock clock) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model", status.model());
    details.put("required", status.required());
    details.put("loaded", status.loaded());
    putIfSet(details, "version", status.version());
    putIfSet(details, "source", status.source() == null ? null : status.source().name().toLowerCase(Locale.ROOT));
    putIfSet(details, "loadedAt", text(status.loadedAt()));
    putIfSet(details, "pinnedVersion", status.pinnedVersion());
    putIfSet(details, "pointerVersion", status.pointerVersion());
    details.put("lastPoll", status.lastPoll().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    putIfSet(details, "lastPollAt", text(status.lastPollAt()));
    putIfSet(details, "lastSuccessfulPollAt", text(status.lastSuccessfulPollAt()));
    status.staleness(Instant.now(clock)).ifPresent(d -> details.put("stalenessSeconds", d.toSeconds()));
    details.put("consecutiveFailures", status.consecutiveFailures());
    if (status.lastFailure() != null) {
      Map<String, Object> failure = new LinkedHashMap<>();
      putIfSet(failure, "version", status.lastFailure().version());
      failure.put("message", status.lastFailure().message());
      failure.put("at", status.lastFailure().at().toString());
      details.put("lastFailure", failure);
    }
    details.put("retiredVersions", status.retiredVersions());
    details.put("inFlight", status.inFlight());
    return details;
  }

  private static @Nullable String text(@Nullable Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static void putIfSet(Map<String, Object> map, String key, @Nullable Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
