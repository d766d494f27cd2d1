package dev.modelregistry.internal;

import dev.modelregistry.Ticker;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the registry's slow work (pointer reads, downloads, loads) on the loader executor, each with a
 * deadline. Thread-safe.
 *
 * <p>A task that passes its deadline has its future completed with a {@link DeadlineExceeded} and its
 * thread interrupted; whoever waits goes on at once. Its thread may not stop (a read that ignores
 * interrupts): the task then finishes whenever it does, and what it produced is handed to {@code
 * abandoned} (to close a model loaded too late), never to the waiter. Every {@code Throwable} a task throws,
 * errors included, completes its future: nothing escapes into the executor.
 */
final class TimedTasks {

  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final Duration timeout;

  TimedTasks(Executor executor, ScheduledExecutorService scheduler, Ticker ticker, Duration timeout) {
    this.executor = executor;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  Ticker ticker() {
    return ticker;
  }

  /** The loader executor the tasks run on. */
  Executor executor() {
    return executor;
  }

  /**
   * Runs {@code task} on the loader executor.
   *
   * @param what what the task does, for the timeout's message: "loading model m v3"
   * @param abandoned receives the result of a task that finished after its deadline
   * @param finished called when the task's thread is done with it, in time or not (to clear a "stuck" mark)
   */
  <T> CompletableFuture<T> submit(
      String what, Callable<T> task, Consumer<? super T> abandoned, Runnable finished) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runner runner = new Runner();
    long started = ticker.read();
    Runnable run = () -> {
      if (result.isDone()) {
        finished.run();
        return; // timed out or cancelled before it could start
      }
      runner.enter();
      T value = null;
      Throwable failure = null;
      try {
        value = task.call();
      } catch (Throwable e) { // every failure, OutOfMemoryError included, is the task's result
        failure = e;
      } finally {
        runner.leave();
      }
      boolean delivered = failure == null ? result.complete(value) : result.completeExceptionally(failure);
      if (!delivered && value != null) {
        abandoned.accept(value);
      }
      finished.run();
    };
    ScheduledFuture<?> deadline;
    try {
      deadline = scheduler.schedule(() -> {
        Duration took = Duration.ofNanos(ticker.read() - started);
        if (result.completeExceptionally(new DeadlineExceeded(what, took))) {
          runner.interrupt();
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      deadline = null; // shutting down: the task runs without a deadline
    }
    ScheduledFuture<?> cancelOnDone = deadline;
    if (cancelOnDone != null) {
      result.whenComplete((v, e) -> cancelOnDone.cancel(false));
    }
    try {
      executor.execute(run);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
      finished.run();
    }
    return result;
  }

  /** The thread running one task, interrupted at most once, and only while it runs that task. */
  private static final class Runner {
    private @Nullable Thread thread;
    private boolean interrupted;

    synchronized void enter() {
      thread = Thread.currentThread();
    }

    synchronized void leave() {
      thread = null;
      if (interrupted) {
        Thread.interrupted(); // the deadline's interrupt must not leak into the thread's next task
      }
    }

    synchronized void interrupt() {
      if (thread != null) {
        interrupted = true;
        thread.interrupt();
      }
    }
  }

  /** A task ran past its deadline; the registry stopped waiting for it. */
  static final class DeadlineExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String what, Duration took) {
      super(what + " did not finish within the load timeout (" + took.toMillis()
          + " ms); its thread was interrupted and the registry goes on without it");
    }
  }
}
