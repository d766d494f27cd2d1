package dev.modelregistry.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shadow calls off the callers' threads, on a few threads of its own, from a bounded queue. Offering a
 * call never blocks and never wakes a thread (no system call on the caller's path): a full queue refuses it,
 * and the workers poll, parking briefly while the queue is empty. Threads start with the first shadow call and
 * stop at {@link #close()}. Thread-safe.
 */
final class ShadowRunner {

  private static final Logger log = LoggerFactory.getLogger(ShadowRunner.class);
  private static final long BUSY_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long IDLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int threads;
  private final int capacity;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;

  ShadowRunner(int threads, int capacity) {
    this.threads = threads;
    this.capacity = capacity;
  }

  /** Queues {@code call}; false (and nothing queued) when the queue is full or the runner is closed. */
  boolean offer(Runnable call) {
    if (closed) {
      return false;
    }
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    queue.add(call);
    if (!started.get() && started.compareAndSet(false, true)) {
      for (int i = 1; i <= threads; i++) {
        Thread worker = new Thread(this::work, "model-registry-shadow-" + i);
        worker.setDaemon(true);
        worker.start();
      }
    }
    return true;
  }

  /** Calls waiting. */
  int queued() {
    return size.get();
  }

  /** Stops the workers; calls still queued are dropped (their leases released by {@code dropAll}). */
  void close() {
    closed = true;
  }

  private void work() {
    long lastWork = System.nanoTime();
    while (!closed) {
      Runnable call = queue.poll();
      if (call == null) {
        long idle = System.nanoTime() - lastWork;
        LockSupport.parkNanos(idle > IDLE_AFTER_NANOS ? IDLE_PARK_NANOS : BUSY_PARK_NANOS);
        continue;
      }
      size.decrementAndGet();
      lastWork = System.nanoTime();
      try {
        call.run();
      } catch (RuntimeException | Error e) {
        log.warn("a shadow call failed outside the model; ignored", e);
      }
    }
    for (Runnable call; (call = queue.poll()) != null; ) {
      size.decrementAndGet();
      call.run(); // runs its cleanup: the call sees the runner closed and only releases its lease
    }
  }

  boolean isClosed() {
    return closed;
  }
}
