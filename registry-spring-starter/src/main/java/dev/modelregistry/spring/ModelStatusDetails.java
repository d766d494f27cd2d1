package dev.modelregistry.spring;

import dev.modelregistry.ModelStatus;
import dev.modelregistry.QualityReport;
import dev.modelregistry.ShadowComparison;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    putIfSet(details, "loadingVersion", status.loadingVersion());
    putIfSet(details, "stuckSince", text(status.stuckSince()));
    ModelStatus.Rollout rollout = status.rollout();
    if (rollout.active()) {
      Map<String, Object> r = new LinkedHashMap<>();
      if (rollout.canaryVersion() != null) {
        r.put("canaryVersion", rollout.canaryVersion());
        r.put("canaryPercent", rollout.canaryPercent());
      }
      if (rollout.shadowVersion() != null) {
        r.put("shadowVersion", rollout.shadowVersion());
        r.put("shadowSample", rollout.shadowSample());
      }
      ShadowComparison c = rollout.shadow();
      if (c != null) {
        Map<String, Object> shadow = new LinkedHashMap<>();
        shadow.put("calls", c.calls());
        shadow.put("dropped", c.dropped());
        shadow.put("errors", c.errors());
        shadow.put("agreement", c.agreement());
        shadow.put("differenceP50", c.differenceP50());
        shadow.put("differenceP99", c.differenceP99());
        shadow.put("differenceMax", c.differenceMax());
        shadow.put("stableMicrosP99", c.stableNanosP99() / 1000);
        shadow.put("shadowMicrosP99", c.shadowNanosP99() / 1000);
        r.put("shadow", shadow);
      }
      details.put("rollout", r);
    }
    return details;
  }

  /** A model's quality report, for health details: degraded arms and drifting features. */
  static Map<String, Object> of(QualityReport report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", report.degraded() ? "degraded" : "ok");
    List<Map<String, Object>> arms = new ArrayList<>();
    for (QualityReport.ArmQuality arm : report.arms()) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("version", arm.version());
      a.put("arm", arm.arm().name().toLowerCase(Locale.ROOT));
      a.put("state", arm.state().name().toLowerCase(Locale.ROOT));
      a.put("outcomes", arm.outcomes());
      a.put("observed", arm.observed());
      a.put("baseline", arm.baseline());
      if (!arm.breaches().isEmpty()) {
        a.put("breaches", arm.breaches());
      }
      arms.add(a);
    }
    out.put("arms", arms);
    List<Map<String, Object>> drifting = new ArrayList<>();
    for (QualityReport.FeatureDrift d : report.inputs()) {
      if (d.level() != QualityReport.DriftLevel.OK) {
        drifting.add(Map.of("version", d.version(), "feature", d.feature(), "psi", d.psi(),
            "jsDistance", d.jsDistance(), "level", d.level().name().toLowerCase(Locale.ROOT)));
      }
    }
    if (!drifting.isEmpty()) {
      out.put("inputDrift", drifting);
    }
    out.put("dropped", report.dropped());
    return out;
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
