package dev.modelregistry.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: tasks become due as its {@link ManualTicker}
 * is advanced, and run on the thread that calls {@link #advance(Duration)} or {@link #runDue()}, in the order
 * of their due times. With it a test moves time in exact steps ("two poll intervals later") instead of
 * sleeping. Thread-safe; tasks never run concurrently with each other.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final ManualTicker ticker;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Object runLock = new Object();
  private volatile boolean shutdown;

  /** A scheduler on its own ticker. */
  public ManualScheduler() {
    this(new ManualTicker());
  }

  /** A scheduler whose time is {@code ticker}'s. */
  public ManualScheduler(ManualTicker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /** The ticker this scheduler runs on. */
  public ManualTicker ticker() {
    return ticker;
  }

  /** Moves time forward by {@code step} and runs every task that becomes due, in order. */
  public void advance(Duration step) {
    long target = ticker.read() + step.toNanos();
    synchronized (runLock) {
      while (true) {
        Task<?> next;
        synchronized (queue) {
          next = queue.peek();
          if (next == null || next.dueNanos - target > 0) {
            break;
          }
          queue.poll();
        }
        long wait = next.dueNanos - ticker.read();
        if (wait > 0) {
          ticker.advance(Duration.ofNanos(wait));
        }
        next.runOnce();
      }
      long rest = target - ticker.read();
      if (rest > 0) {
        ticker.advance(Duration.ofNanos(rest));
      }
    }
  }

  /** Runs every task due now, without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** The number of tasks waiting (cancelled ones are removed). */
  public int pending() {
    synchronized (queue) {
      queue.removeIf(Task::isCancelled);
      return queue.size();
    }
  }

  /** How long until the next task is due, or null when none waits. */
  public @Nullable Duration nextDue() {
    synchronized (queue) {
      queue.removeIf(Task::isCancelled);
      Task<?> next = queue.peek();
      return next == null ? null : Duration.ofNanos(Math.max(0, next.dueNanos - ticker.read()));
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<Void>(() -> {
      command.run();
      return null;
    }, delay(delay, unit), 0, 0));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, delay(delay, unit), 0, 0));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return enqueue(new Task<Void>(() -> {
      command.run();
      return null;
    }, delay(initialDelay, unit), unit.toNanos(period), 1));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return enqueue(new Task<Void>(() -> {
      command.run();
      return null;
    }, delay(initialDelay, unit), unit.toNanos(delay), -1));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left;
    synchronized (queue) {
      left = new ArrayList<>(queue);
      queue.clear();
    }
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && pending() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  @Override
  public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
    throw new UnsupportedOperationException("not supported by the manual scheduler");
  }

  private long delay(long delay, TimeUnit unit) {
    return ticker.read() + Math.max(0, unit.toNanos(delay));
  }

  private <V> Task<V> enqueue(Task<V> task) {
    if (shutdown) {
      throw new RejectedExecutionException("the manual scheduler is shut down");
    }
    synchronized (queue) {
      queue.add(task);
    }
    return task;
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    volatile long dueNanos;
    private final long periodNanos;
    private final int kind; // 0 once, 1 fixed rate, -1 fixed delay
    private final long seq = sequence.incrementAndGet();

    Task(Callable<V> callable, long dueNanos, long periodNanos, int kind) {
      super(callable);
      this.dueNanos = dueNanos;
      this.periodNanos = periodNanos;
      this.kind = kind;
    }

    void runOnce() {
      if (kind == 0) {
        run();
        return;
      }
      if (runAndReset() && !shutdown) {
        dueNanos = kind > 0 ? dueNanos + periodNanos : ticker.read() + periodNanos;
        synchronized (queue) {
          queue.add(this);
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - ticker.read(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> o = (Task<?>) other;
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean cancelled = super.cancel(mayInterrupt);
      synchronized (queue) {
        queue.remove(this);
      }
      return cancelled;
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
      if (!isDone()) {
        throw new IllegalStateException("the task is not done; advance the manual scheduler's time first");
      }
      try {
        return super.get();
      } catch (CancellationException e) {
        throw e;
      }
    }
  }
}
