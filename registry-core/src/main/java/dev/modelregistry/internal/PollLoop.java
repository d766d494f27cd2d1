package dev.modelregistry.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one model's pointer in the background: one jittered interval after each poll's read ends, doubled
 * per consecutive failed poll up to the maximum backoff. The scheduler only times the polls; the read runs
 * on the loader executor with a deadline, so a store that hangs holds up neither the scheduler nor other
 * models. Thread-safe.
 */
final class PollLoop {

  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

  private final String model;
  private final ScheduledExecutorService scheduler;
  private final RegistryConfig config;
  private final Supplier<CompletableFuture<Void>> poll;
  private final IntSupplier failedPolls;
  private final Object lock = new Object();
  private @Nullable ScheduledFuture<?> next;
  private boolean stopped;

  /**
   * @param poll starts one poll and returns the future of its read
   * @param failedPolls consecutive failed polls, for the backoff
   */
  PollLoop(String model, ScheduledExecutorService scheduler, RegistryConfig config,
      Supplier<CompletableFuture<Void>> poll, IntSupplier failedPolls) {
    this.model = model;
    this.scheduler = scheduler;
    this.config = config;
    this.poll = poll;
    this.failedPolls = failedPolls;
  }

  /** Schedules the first poll, one jittered interval from now. */
  void start() {
    schedule();
  }

  /** Cancels the next poll; a poll running now finishes, and no other follows. */
  void stop() {
    ScheduledFuture<?> pending;
    synchronized (lock) {
      stopped = true;
      pending = next;
      next = null;
    }
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void schedule() {
    long delay = nextDelayNanos(failedPolls.getAsInt());
    synchronized (lock) {
      if (stopped) {
        return;
      }
      try {
        next = scheduler.schedule(this::run, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("model {}: scheduler shut down; polling stops", model);
      }
    }
  }

  private void run() {
    CompletableFuture<Void> read;
    try {
      read = poll.get();
    } catch (RuntimeException | Error e) { // never let one poll end the loop
      log.warn("model {}: starting a poll failed; polling goes on", model, e);
      read = CompletableFuture.completedFuture(null);
    }
    read.whenComplete((ok, error) -> schedule());
  }

  /** The next delay: the interval, doubled per consecutive failed poll up to the maximum, jittered. */
  long nextDelayNanos(int failures) {
    long base = RetryBackoff.delayNanos(config.pollInterval(), config.maxBackoff(), failures + 1);
    double jitter = config.pollJitter();
    double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, (long) (base * factor));
  }
}
