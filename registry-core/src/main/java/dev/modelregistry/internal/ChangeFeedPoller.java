package dev.modelregistry.internal;

import dev.modelregistry.spi.ObjectRead;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the store's change feed, {@code _changes.json}, instead of every model's pointer: one conditional
 * read per poll interval, answered "not modified" while nothing changed, then a read of only the pointers
 * whose sequence in the feed is past the one last read. Thread-safe.
 *
 * <p>What it polls besides: every loaded model whose last poll or load failed (so retries go on); every
 * loaded model when the store has no feed (a layout written by hand), when the feed is not valid, or when its
 * generation went back (the feed was written anew); and every loaded model every {@code fullScanEvery} polls,
 * to notice pointers written by scripts or older publishers that do not update the feed. A replica that
 * missed generations catches up in one poll: it compares each model's sequence, not the generations in
 * between.
 *
 * <p>Declared experiments are polled the same way: an experiment's file is read only when its sequence in the
 * feed is past the one of the file last read, when its last read failed, at the full scan, and at every poll
 * when the store has no valid feed. Each feed read is also handed to {@code onFeed} (null when there is no
 * valid feed), which forgets remembered misses of models that have since been published.
 */
final class ChangeFeedPoller {

  private static final Logger log = LoggerFactory.getLogger(ChangeFeedPoller.class);

  private final RegistryContext ctx;
  private final StoreReader store;
  private final Supplier<Collection<ModelController>> loaded;
  private final Collection<ExperimentController> experiments;
  private final java.util.function.Consumer<@Nullable Changes> onFeed;
  private final PollLoop loop;
  private final Object lock = new Object();

  // Guarded by lock.
  private @Nullable String tag;
  private @Nullable Changes last;
  private long polls;
  private int failures;
  private @Nullable String reportedProblem;

  /**
   * @param loaded the controllers of the models loaded now, declared and discovered
   * @param experiments the declared experiments
   * @param onFeed told of each successful read of the feed: what it holds, or null when there is no valid feed
   */
  ChangeFeedPoller(RegistryContext ctx, StoreReader store, Supplier<Collection<ModelController>> loaded,
      Collection<ExperimentController> experiments, java.util.function.Consumer<@Nullable Changes> onFeed) {
    this.ctx = ctx;
    this.store = store;
    this.loaded = loaded;
    this.experiments = List.copyOf(experiments);
    this.onFeed = onFeed;
    this.loop = new PollLoop(StorageFormat.CHANGES, ctx.scheduler(), ctx.config(), this::poll, this::failures);
  }

  void start() {
    loop.start();
  }

  void stop() {
    loop.stop();
  }

  private int failures() {
    synchronized (lock) {
      return failures;
    }
  }

  /**
   * Reads the feed and polls the models it calls for.
   *
   * @return completes when the feed and those pointers were read
   */
  CompletableFuture<Void> poll() {
    String ifNoneMatch;
    boolean fullScan;
    synchronized (lock) {
      ifNoneMatch = tag;
      polls++;
      fullScan = polls % ctx.config().fullScanEvery() == 0;
    }
    return ctx.tasks()
        .submit("reading the change feed " + store.where(StorageFormat.CHANGES),
            () -> store.store().read(StorageFormat.CHANGES, ifNoneMatch), r -> {}, () -> {})
        .handle((read, error) -> select(read, error, fullScan))
        .thenCompose(targets -> {
          List<CompletableFuture<Void>> reads = new ArrayList<>(targets.models().size());
          for (ModelController controller : targets.models()) {
            reads.add(controller.poll(false).read());
          }
          for (ExperimentController experiment : targets.experiments()) {
            reads.add(experiment.poll());
          }
          log.debug("change feed: polled {} pointer(s) and {} experiment(s){}", targets.models().size(),
              targets.experiments().size(), fullScan ? " (full scan)" : "");
          return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
        });
  }

  /** What one poll reads after the feed. */
  private record Targets(List<ModelController> models, List<ExperimentController> experiments) {
    static final Targets NONE = new Targets(List.of(), List.of());
  }

  /** Records what the feed says and picks the models to poll. */
  private Targets select(@Nullable ObjectRead read, @Nullable Throwable error, boolean fullScan) {
    Collection<ModelController> all = loaded.get();
    String problem = null;
    Changes changes = null;
    synchronized (lock) {
      if (read == null) {
        failures++;
        problem = "the change feed " + store.where(StorageFormat.CHANGES) + " could not be read: "
            + ModelController.message(ModelController.unwrapped(error == null ? new IllegalStateException() : error))
            + "; polls back off";
      } else {
        failures = 0;
        switch (read.status()) {
          case NOT_MODIFIED -> changes = last;
          case MISSING -> {
            tag = null;
            last = null;
          }
          default -> {
            tag = read.tag();
            try {
              Changes next = StorageFormat.parseChanges(read.content());
              if (last != null && next.generation() < last.generation()) {
                log.info("change feed: generation went back from {} to {}; reading every pointer once",
                    last.generation(), next.generation());
                fullScan = true;
              }
              last = next;
              changes = next;
            } catch (IllegalArgumentException e) {
              last = null;
              problem = e.getMessage() + " (" + store.where(StorageFormat.CHANGES) + "); every loaded model's pointer"
                  + " is read instead";
            }
          }
        }
      }
      if (problem != null && problem.equals(reportedProblem)) {
        problem = null; // reported once per problem, not per poll
      } else if (problem != null) {
        reportedProblem = problem;
      } else if (read != null) {
        reportedProblem = null;
      }
    }
    if (problem != null) {
      log.warn("{}", problem);
    }
    if (read == null) {
      return Targets.NONE;
    }
    onFeed.accept(changes);
    List<ModelController> models = new ArrayList<>();
    for (ModelController controller : all) {
      Long sequence = changes == null ? null : changes.models().get(controller.name);
      if (changes == null || fullScan || controller.needsPoll()
          || (sequence != null && sequence > controller.pointerSequence())) {
        models.add(controller);
      }
    }
    List<ExperimentController> experimentsToRead = new ArrayList<>();
    for (ExperimentController experiment : experiments) {
      if (changes == null || fullScan || experiment.needsPoll()
          || changes.experiment(experiment.name()) > experiment.sequence()) {
        experimentsToRead.add(experiment);
      }
    }
    return new Targets(models, experimentsToRead);
  }
}
