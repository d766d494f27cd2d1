package dev.modelregistry.internal;

import dev.modelregistry.PredictionStats;
import dev.modelregistry.Ticker;
import dev.modelregistry.VersionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper and the lease watchdog. Thread-safe.
 *
 * <p>A retired version with no call in flight is closed at once; one with calls in flight waits in a queue,
 * and a sweep on the scheduler closes each waiting version whose counter reads zero, sweeping again, with a
 * growing delay, while any still has calls in flight.
 *
 * <p>The watchdog runs every quarter of the warning threshold. It advances the coarse clock that leases
 * read when they open (one volatile read, instead of a clock read per lease), and scans every loaded
 * version's stripes: a stripe that has had a lease open without a break for longer than the threshold is
 * reported once per busy period. Leases that record their stack ({@link TrackedLease}) are reported one by
 * one instead, with the thread and stack where they were taken.
 */
final class Retirement {

  private static final Logger log = LoggerFactory.getLogger(Retirement.class);
  private static final long MIN_SWEEP_DELAY_MICROS = 500;
  private static final long MAX_SWEEP_DELAY_MICROS = 50_000;

  private final Events events;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final long warnAfterNanos;
  private final boolean captureStacks;
  private final long origin;
  private final Queue<LoadedVersion> waiting = new ConcurrentLinkedQueue<>();
  private final Set<TrackedLease> tracked = ConcurrentHashMap.newKeySet();
  private final Set<LoadedVersion> reportedStuck = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sweepPending = new AtomicBoolean();
  private volatile long sweepDelayMicros = MIN_SWEEP_DELAY_MICROS;
  private volatile long coarseNow = 1;
  private volatile Supplier<List<LoadedVersion>> live = List::of;
  private @Nullable ScheduledFuture<?> watchdog;

  Retirement(Events events, ScheduledExecutorService scheduler, Ticker ticker, Duration warnAfter, boolean captureStacks) {
    this.events = events;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.warnAfterNanos = warnAfter.toNanos();
    this.captureStacks = captureStacks;
    this.origin = ticker.read();
  }

  /** Starts the lease watchdog, if a warning threshold is set; {@code live} lists the versions being served. */
  void start(Supplier<List<LoadedVersion>> live) {
    this.live = live;
    if (warnAfterNanos > 0) {
      long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), warnAfterNanos / 4));
      watchdog = scheduler.scheduleWithFixedDelay(this::checkOverdue, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  boolean captureStacks() {
    return captureStacks;
  }

  Ticker ticker() {
    return ticker;
  }

  /**
   * The coarse clock leases record when they open: nanoseconds since this reaper started, plus one (0 means
   * "no lease open"), advanced by the watchdog. Never behind the real time by more than a watchdog period.
   */
  long coarseNow() {
    return coarseNow;
  }

  TrackedLease track(TrackedLease lease) {
    tracked.add(lease);
    return lease;
  }

  void untrack(TrackedLease lease) {
    tracked.remove(lease);
  }

  /**
   * Retires a version that was just swapped out, and closes it now if no call is in flight on it (readers
   * that come later see it retired and go to the new version), else hands it to the reaper, which closes it
   * once its last call has returned. Must not be called while holding a lock: it reports events.
   */
  void retire(LoadedVersion version) {
    version.retire(ticker.read());
    long inFlight = version.leases.sum();
    events.retired(version.model, version.version.value(), inFlight);
    if (inFlight == 0) {
      close(version);
      return;
    }
    waiting.add(version);
    sweepDelayMicros = MIN_SWEEP_DELAY_MICROS;
    requestSweep(0);
  }

  /** Versions of {@code model} retired but not closed yet. */
  int waitingFor(String model) {
    int n = 0;
    for (LoadedVersion v : waiting) {
      if (v.model.equals(model)) {
        n++;
      }
    }
    return n;
  }

  /** The prediction stats of the versions of {@code model} that are retired but not closed yet. */
  List<PredictionStats> statsOf(String model) {
    List<PredictionStats> stats = new ArrayList<>();
    for (LoadedVersion v : waiting) {
      if (v.model.equals(model)) {
        stats.add(v.stats);
      }
    }
    return stats;
  }

  /** The versions of {@code model} that are retired but not closed yet (their files are still in use). */
  Set<VersionId> openVersions(String model) {
    Set<VersionId> open = new HashSet<>();
    for (LoadedVersion v : waiting) {
      if (v.model.equals(model)) {
        open.add(v.version);
      }
    }
    return open;
  }

  /**
   * Closes every retired version whose calls have all returned, and gives up after {@code timeout}. Waits
   * on the calling thread (in real time: it is called by {@code close()}, when the scheduler may be gone).
   *
   * @return the versions still open because calls on them did not return in time
   */
  List<LoadedVersion> awaitAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 1;
    while (true) {
      sweep();
      if (waiting.isEmpty() || System.nanoTime() - deadline >= 0) {
        break;
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pauseMillis = Math.min(20, pauseMillis * 2);
    }
    List<LoadedVersion> left = new ArrayList<>(waiting);
    for (LoadedVersion v : left) {
      log.warn("model {} {}: still has {} calls in flight after {} ms; left open rather than closed under a"
          + " running call", v.model, v.version, v.leases.sum(), timeout.toMillis());
    }
    return left;
  }

  void stop() {
    ScheduledFuture<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
  }

  /** Closes what can be closed now; returns how many versions still wait. */
  int sweep() {
    int left = 0;
    for (Iterator<LoadedVersion> it = waiting.iterator(); it.hasNext(); ) {
      LoadedVersion v = it.next();
      if (v.leases.sum() != 0) {
        left++;
        continue;
      }
      it.remove();
      reportedStuck.remove(v);
      close(v);
    }
    return left;
  }

  private void close(LoadedVersion v) {
    boolean closedNow;
    try {
      closedNow = v.closeOnce();
    } catch (RuntimeException | LinkageError e) {
      log.warn("model {} {}: closing the model threw; it is considered closed", v.model, v.version, e);
      closedNow = true;
    }
    if (closedNow) {
      events.closed(v.model, v.version.value(), Duration.ofNanos(ticker.read() - v.retiredAtNanos()));
    }
  }

  private void requestSweep(long delayMicros) {
    if (!sweepPending.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.schedule(this::sweepTask, delayMicros, TimeUnit.MICROSECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is shutting down: the registry's close() sweeps on its own thread.
      sweepPending.set(false);
    }
  }

  private void sweepTask() {
    sweepPending.set(false);
    int left = sweep();
    if (left > 0) {
      long delay = sweepDelayMicros;
      sweepDelayMicros = Math.min(MAX_SWEEP_DELAY_MICROS, delay * 2);
      requestSweep(delay);
    } else {
      sweepDelayMicros = MIN_SWEEP_DELAY_MICROS;
    }
  }

  /** One watchdog round; package-private so tests can run it without a scheduler. */
  void checkOverdue() {
    try {
      long now = ticker.read();
      long coarse = now - origin + 1;
      coarseNow = coarse;
      for (TrackedLease lease : tracked) {
        long held = now - lease.acquiredAtNanos;
        if (!lease.reported && !lease.isClosed() && held > warnAfterNanos) {
          lease.reported = true;
          events.leaseOverdue(lease.version.model, lease.version.version.value(), Duration.ofNanos(held),
              lease.threadName, lease.acquiredAt);
        }
      }
      if (!captureStacks) {
        for (LoadedVersion v : live.get()) {
          scanStripes(v, coarse);
        }
        for (LoadedVersion v : waiting) {
          scanStripes(v, coarse);
        }
      }
      for (LoadedVersion v : waiting) {
        long waited = now - v.retiredAtNanos();
        if (waited > warnAfterNanos && reportedStuck.add(v)) {
          log.warn("model {} {}: retired {} ms ago and still has {} calls in flight; it is closed when they"
              + " return", v.model, v.version, TimeUnit.NANOSECONDS.toMillis(waited), v.leases.sum());
        }
      }
    } catch (RuntimeException e) {
      log.warn("the lease watchdog failed; it runs again at its next period", e);
    }
  }

  private void scanStripes(LoadedVersion v, long coarse) {
    for (int s = 0; s < LeaseCounter.STRIPES; s++) {
      long since = v.leases.busySince(s);
      if (since > 0 && coarse - since > warnAfterNanos && v.reportedBusySince[s] != since) {
        v.reportedBusySince[s] = since;
        events.leaseOverdue(v.model, v.version.value(), Duration.ofNanos(coarse - since), "unknown", null);
      }
    }
  }
}
