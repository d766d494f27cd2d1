package dev.modelregistry.internal;

import dev.modelregistry.Arm;
import dev.modelregistry.FeatureReference;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Outcome;
import dev.modelregistry.QualityPolicy;
import dev.modelregistry.QualityReport;
import dev.modelregistry.VersionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the quality of the models that have a {@link QualityPolicy}: outcomes and sampled inputs are
 * queued by any thread (never blocking: a full queue drops and counts), and a task on the scheduler drains
 * the queue, updates the windows, judges them, reports changes (events, WARN logs) and takes the policy's
 * action. All state but the queue and the published reports belongs to that task's thread. Thread-safe.
 */
final class QualityMonitor {

  private static final Logger log = LoggerFactory.getLogger(QualityMonitor.class);
  private static final int QUEUE_CAPACITY = 65_536;
  private static final int VERSIONS_KEPT = 4;

  private final Map<String, QualityPolicy> policies;
  private final RegistryContext ctx;
  private final @Nullable ModelPublisher publisher;
  private final Function<String, @Nullable ModelController> controllers;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Map<String, LongAdder> dropped = new HashMap<>();
  private final Map<String, Map<String, ArmState>> arms = new HashMap<>(); // model -> "version/arm" -> state
  private final Map<String, Map<LoadedVersion, InputState>> inputs = new HashMap<>();
  private final Set<String> actedOn = new HashSet<>();
  private final Map<String, QualityReport> reports = new java.util.concurrent.ConcurrentHashMap<>();
  private final Object drainLock = new Object();
  private @Nullable ScheduledFuture<?> task;

  QualityMonitor(Map<String, QualityPolicy> policies, RegistryContext ctx, @Nullable ModelPublisher publisher,
      Function<String, @Nullable ModelController> controllers) {
    this.policies = Map.copyOf(policies);
    this.ctx = ctx;
    this.publisher = publisher;
    this.controllers = controllers;
    for (String model : policies.keySet()) {
      dropped.put(model, new LongAdder());
      reports.put(model, new QualityReport(model, List.of(), List.of(), 0));
    }
  }

  void start(Duration interval) {
    task = ctx.scheduler().scheduleWithFixedDelay(this::drainSafely, interval.toNanos(), interval.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  void stop() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  boolean watches(String model) {
    return policies.containsKey(model);
  }

  /** A sampler for {@code version}, if its model samples inputs and its manifest has a reference. */
  @Nullable InputSampler samplerFor(LoadedVersion version) {
    QualityPolicy policy = policies.get(version.model);
    if (policy == null || policy.inputSampling() == 0 || version.manifest == null
        || version.manifest.reference().isEmpty()) {
      return null;
    }
    return new InputSampler(policy.inputSampling(), this, version);
  }

  // ------------------------------------------------------------------ producers (any thread)

  /** Queues an outcome; false if the model has no policy. */
  boolean offerOutcome(Outcome outcome) {
    if (!policies.containsKey(outcome.model())) {
      return false;
    }
    offer(outcome, outcome.model());
    return true;
  }

  void offerInput(LoadedVersion version, float[] row) {
    offer(new Sample(version, row), version.model);
  }

  private void offer(Object item, String model) {
    if (queued.incrementAndGet() > QUEUE_CAPACITY) {
      queued.decrementAndGet();
      LongAdder d = dropped.get(model);
      if (d != null) {
        d.increment();
      }
      return;
    }
    queue.add(item);
  }

  private record Sample(LoadedVersion version, float[] row) {}

  /** The last published report of {@code model}. */
  QualityReport report(String model) {
    QualityReport r = reports.get(model);
    if (r == null) {
      throw new IllegalArgumentException("model " + model + " has no quality policy; declare one with"
          + " ModelRegistry.builder().quality(\"" + model + "\", QualityPolicy.defaults())");
    }
    return r;
  }

  // ------------------------------------------------------------------ the monitor's thread

  private void drainSafely() {
    try {
      drain();
    } catch (RuntimeException e) {
      log.warn("the quality monitor failed; it runs again at its next period", e);
    }
  }

  /** Processes everything queued, judges, reports and acts. Runs on the scheduler (or a test's thread). */
  void drain() {
    List<Runnable> after = new ArrayList<>();
    synchronized (drainLock) {
      Set<String> touched = new HashSet<>();
      for (Object item; (item = queue.poll()) != null; ) {
        queued.decrementAndGet();
        if (item instanceof Outcome o) {
          addOutcome(o);
          touched.add(o.model());
        } else if (item instanceof Sample s) {
          addSample(s, after);
          touched.add(s.version().model);
        }
      }
      for (String model : touched) {
        judge(model, after);
      }
    }
    after.forEach(Runnable::run); // events and actions, outside the lock
  }

  private void addOutcome(Outcome o) {
    QualityPolicy policy = policies.get(o.model());
    Map<String, ArmState> byArm = arms.computeIfAbsent(o.model(), m -> new LinkedHashMap<>());
    String key = o.version() + "/" + o.arm();
    ArmState state = byArm.get(key);
    if (state == null) {
      if (byArm.size() >= VERSIONS_KEPT * 2) {
        byArm.remove(byArm.keySet().iterator().next()); // the oldest version's window goes
      }
      state = new ArmState(o.version(), o.arm(), new OutcomeWindow(policy.window()), baseline(o.model(), o.version()));
      byArm.put(key, state);
    }
    float[] predicted = o.predicted();
    state.window.add(predicted, o.actual(), OutcomeWindow.classifier(state.baseline, predicted, o.actual()),
        ctx.ticker().read());
  }

  private Map<String, Double> baseline(String model, String version) {
    ModelController controller = controllers.apply(model);
    if (controller != null) {
      Routing routing = controller.handle.current();
      if (routing != null) {
        for (LoadedVersion v : routing.versions()) {
          if (v.version.value().equals(version)) {
            return normalize(v.metrics);
          }
        }
      }
    }
    return Map.of();
  }

  /** The baseline under the metric names the monitor computes ({@code auc} is {@code roc_auc}, ...). */
  static Map<String, Double> normalize(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((name, value) -> {
      String n = name.toLowerCase(Locale.ROOT);
      String canonical = switch (n) {
        case "auc", "roc-auc", "rocauc" -> "roc_auc";
        case "logloss", "log-loss" -> "log_loss";
        case "brier_score" -> "brier";
        default -> n;
      };
      if (QualityPolicy.METRICS.contains(canonical)) {
        out.putIfAbsent(canonical, value);
      }
    });
    return out;
  }

  private void addSample(Sample s, List<Runnable> after) {
    QualityPolicy policy = policies.get(s.version().model);
    Map<LoadedVersion, InputState> byVersion = inputs.computeIfAbsent(s.version().model, m -> new LinkedHashMap<>());
    InputState state = byVersion.get(s.version());
    if (state == null) {
      if (byVersion.size() >= VERSIONS_KEPT) {
        byVersion.remove(byVersion.keySet().iterator().next());
      }
      List<String> features = s.version().features;
      FeatureReference[] refs = new FeatureReference[features.size()];
      for (int f = 0; f < refs.length; f++) {
        refs[f] = s.version().manifest.reference().get(features.get(f));
      }
      state = new InputState(s.version().version.value(), new DriftWindow(features, refs));
      byVersion.put(s.version(), state);
    }
    state.window.add(s.row());
    if (state.window.samples() >= policy.driftWindow()) {
      judgeInputs(s.version().model, policy, state, after);
      state.window.reset();
    }
  }

  private void judgeInputs(String model, QualityPolicy policy, InputState state, List<Runnable> after) {
    DriftWindow w = state.window;
    for (int f = 0; f < w.references.length; f++) {
      if (w.references[f] == null) {
        continue;
      }
      double[] d = w.drift(f);
      QualityReport.DriftLevel level = d[0] >= policy.psiAlarm() ? QualityReport.DriftLevel.ALARM
          : d[0] >= policy.psiWarn() ? QualityReport.DriftLevel.WARN : QualityReport.DriftLevel.OK;
      QualityReport.FeatureDrift drift =
          new QualityReport.FeatureDrift(state.version, w.features.get(f), w.samples(), d[0], d[1], level);
      QualityReport.FeatureDrift before = state.last.put(w.features.get(f), drift);
      QualityReport.DriftLevel previous = before == null ? QualityReport.DriftLevel.OK : before.level();
      if (level != previous) {
        after.add(() -> ctx.events().inputDrifted(model, drift));
      }
    }
  }

  private void judge(String model, List<Runnable> after) {
    QualityPolicy policy = policies.get(model);
    long oldest = policy.maxAge() == null ? Long.MIN_VALUE / 2 : ctx.ticker().read() - policy.maxAge().toNanos();
    List<QualityReport.ArmQuality> armReports = new ArrayList<>();
    for (ArmState state : arms.getOrDefault(model, Map.of()).values()) {
      QualityReport.ArmQuality quality = evaluate(policy, state, oldest);
      armReports.add(quality);
      if (quality.state() != QualityReport.State.INSUFFICIENT && quality.state() != state.lastState) {
        boolean degraded = quality.state() == QualityReport.State.DEGRADED;
        boolean wasDegraded = state.lastState == QualityReport.State.DEGRADED;
        state.lastState = quality.state();
        if (degraded || wasDegraded) {
          after.add(() -> ctx.events().qualityChanged(model, quality));
        }
        if (degraded) {
          act(model, policy, quality, after);
        }
      }
    }
    List<QualityReport.FeatureDrift> drifts = new ArrayList<>();
    for (InputState input : inputs.getOrDefault(model, Map.of()).values()) {
      drifts.addAll(input.last.values());
    }
    reports.put(model, new QualityReport(model, armReports, drifts, dropped.get(model).sum()));
  }

  private QualityReport.ArmQuality evaluate(QualityPolicy policy, ArmState state, long oldest) {
    int n = state.window.count(oldest);
    Map<String, double[]> observed = state.window.metrics(oldest);
    Map<String, Double> values = new LinkedHashMap<>();
    observed.forEach((k, v) -> values.put(k, v[0]));
    if (n < policy.minOutcomes()) {
      return new QualityReport.ArmQuality(state.version, state.arm, n, values, state.baseline,
          QualityReport.State.INSUFFICIENT, List.of());
    }
    List<String> breaches = new ArrayList<>();
    for (Map.Entry<String, double[]> e : observed.entrySet()) {
      String metric = e.getKey();
      Double base = state.baseline.get(metric);
      if (base == null || !policy.judges(metric)) {
        continue;
      }
      double value = e.getValue()[0];
      double error = metric.equals("accuracy") ? Math.sqrt(base * (1 - base) / n) : e.getValue()[1];
      QualityPolicy.Threshold threshold = policy.thresholdOf(metric);
      double allowance = threshold.allowance(base);
      boolean higher = QualityPolicy.higherIsBetter(metric);
      double worseBy = higher ? base - value : value - base;
      if (worseBy > allowance && worseBy > policy.significance() * error) {
        breaches.add(metric + " " + number(value) + (higher ? " < " : " > ") + number(base) + (higher ? " - " : " + ")
            + (threshold.relative() ? threshold + " of it" : number(allowance)) + " over the last " + n + " outcomes"
            + (policy.significance() > 0
                ? String.format(Locale.ROOT, " (%.1f standard errors)", worseBy / Math.max(error, 1e-12)) : ""));
      }
    }
    return new QualityReport.ArmQuality(state.version, state.arm, n, values, state.baseline,
        breaches.isEmpty() ? QualityReport.State.OK : QualityReport.State.DEGRADED, breaches);
  }

  /** Four significant digits, without trailing zeros: 0.72, 0.6612, 1.2e-05. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return String.valueOf(value);
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toString();
  }

  /** Takes the policy's action once per degraded version and arm. */
  private void act(String model, QualityPolicy policy, QualityReport.ArmQuality quality, List<Runnable> after) {
    if (policy.action() == QualityPolicy.Action.REPORT || !actedOn.add(model + " " + quality.version() + " " + quality.arm())) {
      return;
    }
    String reason = "automatic: " + String.join("; ", quality.breaches());
    ModelController controller = controllers.apply(model);
    after.add(() -> ctx.tasks().submit("acting on the degraded " + model + " " + quality.version(), () -> {
      if (quality.arm() == Arm.CANARY) {
        if (publisher != null) {
          publisher.abortCanary(model, reason);
          log.warn("model {}: canary {} aborted: {}", model, quality.version(), reason);
        }
      } else if (policy.action() == QualityPolicy.Action.ROLL_BACK && publisher != null) {
        publisher.rollback(model, reason);
        log.warn("model {}: {} rolled back: {}", model, quality.version(), reason);
      } else if (policy.action() == QualityPolicy.Action.PIN_PREVIOUS && controller != null) {
        VersionId previous = controller.previousVersion();
        if (previous != null) {
          controller.pin(previous);
          log.warn("model {}: pinned to {} because {} degraded: {}", model, previous, quality.version(), reason);
        }
      }
      if (controller != null) {
        ModelController.awaitQuietly(controller.poll(true).load());
      }
      return null;
    }, x -> {}, () -> {}).whenComplete((x, e) -> {
      if (e != null) {
        log.warn("model {}: the automatic action on {} failed: {}", model, quality.version(), ModelController.message(e));
      }
    }));
  }

  private static final class ArmState {
    final String version;
    final Arm arm;
    final OutcomeWindow window;
    final Map<String, Double> baseline;
    QualityReport.State lastState = QualityReport.State.INSUFFICIENT;

    ArmState(String version, Arm arm, OutcomeWindow window, Map<String, Double> baseline) {
      this.version = version;
      this.arm = arm;
      this.window = window;
      this.baseline = baseline;
    }
  }

  private static final class InputState {
    final String version;
    final DriftWindow window;
    final Map<String, QualityReport.FeatureDrift> last = new LinkedHashMap<>();

    InputState(String version, DriftWindow window) {
      this.version = version;
      this.window = window;
    }
  }
}
