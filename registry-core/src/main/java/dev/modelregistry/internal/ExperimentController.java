package dev.modelregistry.internal;

import dev.modelregistry.Experiment;
import dev.modelregistry.ExperimentDefinition;
import dev.modelregistry.spi.ObjectRead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one declared experiment: reads its file from the store (at start, on the poll schedule, on refresh),
 * and assigns units to variants from one immutable state read with one volatile read. A file that is
 * missing or refused leaves the last good definition in force, and is reported. Thread-safe.
 */
final class ExperimentController implements Experiment {

  private static final Logger log = LoggerFactory.getLogger(ExperimentController.class);

  private final String name;
  private final RegistryContext ctx;
  private final Function<String, @Nullable ModelHandle> models;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final PollLoop pollLoop;
  private final Object lock = new Object();
  private volatile @Nullable State state;
  private @Nullable String tag; // guarded by lock
  private volatile @Nullable String lastFailure;
  private volatile int failedPolls;
  /** The sequence of the file last read (0 before, or when it has none), compared with the change feed's. */
  private volatile long sequence;

  ExperimentController(String name, RegistryContext ctx, Function<String, @Nullable ModelHandle> models) {
    this.name = name;
    this.ctx = ctx;
    this.models = models;
    this.pollLoop = new PollLoop("_experiments/" + name, ctx.scheduler(), ctx.config(), this::poll, () -> failedPolls);
  }

  /** An immutable assignment table: one precomputed assignment per variant, so assigning allocates nothing. */
  private record State(ExperimentDefinition definition, Buckets.Prefix prefix, int[] cumulative,
      Experiment.Assignment[] assignments, LongAdder[] counters) {}

  void startPolling() {
    if (ctx.config().polling()) {
      pollLoop.start();
    }
  }

  void stop() {
    pollLoop.stop();
  }

  /** Reads the experiment's file now; completes when the new definition (if any) is in force. */
  CompletableFuture<Void> poll() {
    StoreReader store = ctx.store();
    if (store == null) {
      return CompletableFuture.completedFuture(null);
    }
    String previousTag;
    synchronized (lock) {
      previousTag = tag;
    }
    String key = dev.modelregistry.internal.StorageFormat.experimentKey(name);
    return ctx.tasks().submit("reading the experiment " + name, () -> store.store().read(key, previousTag), r -> {}, () -> {})
        .handle((read, error) -> {
          apply(read, error, store.where(key));
          return null;
        });
  }

  private void apply(@Nullable ObjectRead read, @Nullable Throwable error, String where) {
    if (error != null || read == null) {
      failedPolls++;
      fail("reading " + where + " failed: " + ModelController.message(error));
      return;
    }
    if (read.status() == ObjectRead.Status.NOT_MODIFIED) {
      failedPolls = 0;
      return;
    }
    if (read.status() == ObjectRead.Status.MISSING) {
      failedPolls = 0;
      fail("the store has no " + where + (state == null ? "" : "; the last definition stays in force"));
      return;
    }
    failedPolls = 0;
    sequence = StorageFormat.experimentSequence(read.content());
    try {
      ExperimentDefinition definition = dev.modelregistry.internal.StorageFormat.parseExperiment(name, read.content());
      State next = build(definition);
      synchronized (lock) {
        tag = read.tag();
      }
      boolean changed = state == null || !state.definition().equals(definition);
      state = next;
      lastFailure = null;
      if (changed) {
        log.info("experiment {}: {} variants {}", name, definition.enabled() ? "assigning" : "disabled, all units to",
            definition.variants().stream().map(v -> v.name() + "=" + v.model() + "×" + v.weight()).toList());
      }
    } catch (IllegalArgumentException e) {
      synchronized (lock) {
        tag = read.tag(); // do not parse the same bad file at every poll; a change retries
      }
      fail(e.getMessage() + (state == null ? "" : "; the last definition stays in force"));
    }
  }

  private void fail(String message) {
    if (!message.equals(lastFailure)) {
      log.warn("experiment {}: {}", name, message);
    }
    lastFailure = message;
  }

  private State build(ExperimentDefinition definition) {
    List<ExperimentDefinition.Variant> variants = definition.variants();
    int[] cumulative = new int[variants.size()];
    Experiment.Assignment[] assignments = new Experiment.Assignment[variants.size()];
    LongAdder[] counters = new LongAdder[variants.size()];
    int running = 0;
    for (int i = 0; i < variants.size(); i++) {
      ExperimentDefinition.Variant v = variants.get(i);
      ModelHandle model = models.apply(v.model());
      if (model == null) {
        throw new IllegalArgumentException("experiment " + name + ": variant " + v.name() + " is served by model "
            + v.model() + ", which this registry does not serve; declare it with .model(\"" + v.model() + "\")");
      }
      running += v.weight();
      cumulative[i] = running;
      assignments[i] = new Experiment.Assignment(name, v.name(), model);
      counters[i] = counts.computeIfAbsent(v.name(), k -> new LongAdder());
    }
    return new State(definition, Buckets.Prefix.of(definition.group(), Buckets.VARIANT_SEED), cumulative, assignments,
        counters);
  }

  // ------------------------------------------------------------------ Experiment

  @Override
  public String name() {
    return name;
  }

  @Override
  public ExperimentDefinition definition() {
    return current().definition();
  }

  @Override
  public Assignment forUnit(String unitId) {
    State s = current();
    int index = 0;
    if (s.definition().enabled()) {
      int[] cumulative = s.cumulative();
      int target = Buckets.variantTarget(s.prefix(), unitId, cumulative[cumulative.length - 1]);
      // Unleash: the first variant with a weight whose running total reaches the target.
      for (int previous = 0; index < cumulative.length - 1; index++) {
        if (cumulative[index] > previous && cumulative[index] >= target) {
          break;
        }
        previous = cumulative[index];
      }
    }
    s.counters()[index].increment();
    return s.assignments()[index];
  }

  @Override
  public Map<String, Long> assignments() {
    Map<String, Long> out = new LinkedHashMap<>();
    State s = state;
    if (s != null) {
      for (ExperimentDefinition.Variant v : s.definition().variants()) {
        out.put(v.name(), counts.getOrDefault(v.name(), new LongAdder()).sum());
      }
    }
    counts.forEach((variant, count) -> out.putIfAbsent(variant, count.sum()));
    return out;
  }

  /** The sequence of the experiment's file as last read; the change feed's is compared with it. */
  long sequence() {
    return sequence;
  }

  /** Whether the last read failed, so that polls go on reading the file whatever the change feed says. */
  boolean needsPoll() {
    return failedPolls > 0;
  }

  /** Why the last read was refused, or null. */
  @Nullable String lastFailure() {
    return lastFailure;
  }

  boolean isLoaded() {
    return state != null;
  }

  private State current() {
    State s = state;
    if (s == null) {
      throw new IllegalStateException("experiment " + name + " has no definition yet ("
          + (lastFailure == null ? "not read yet" : lastFailure) + "); it is read again at every poll");
    }
    return s;
  }

  @Override
  public String toString() {
    return "Experiment[" + name + "]";
  }

  static List<String> names(List<ExperimentController> controllers) {
    List<String> out = new ArrayList<>();
    controllers.forEach(c -> out.add(c.name));
    return out;
  }

}
