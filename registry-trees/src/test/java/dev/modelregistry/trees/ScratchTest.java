package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call's work arrays: a platform thread keeps its own, and virtual threads share a pool, so that a call
 * on a fresh virtual thread allocates no work arrays, and no two calls ever hold the same ones.
 */
class ScratchTest {

  @Test
  void aPlatformThreadKeepsItsOwnScratch() {
    Scratch first = Scratch.acquire(false);
    first.release();
    assertThat(Scratch.acquire(false)).isSameAs(first);
    assertThat(Scratch.isVirtual(Thread.currentThread())).isFalse();
  }

  @Test
  void aPooledScratchIsReusedOnceReleasedAndNeverHeldTwice() {
    Scratch a = Scratch.acquire(true);
    Scratch b = Scratch.acquire(true);
    assertThat(b).isNotSameAs(a);
    a.release();
    b.release();
    long created = Scratch.created();
    Scratch c = Scratch.acquire(true);
    Scratch d = Scratch.acquire(true);
    assertThat(List.of(c, d)).containsExactlyInAnyOrder(a, b);
    assertThat(Scratch.created()).isEqualTo(created);
    c.release();
    d.release();
  }

  /** Eight threads take and give back pooled scratch 20,000 times each: no scratch is ever held by two. */
  @Test
  void concurrentCallsNeverShareAPooledScratch() throws Exception {
    int threads = 8;
    ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      java.util.Map<Scratch, AtomicInteger> holders = new java.util.concurrent.ConcurrentHashMap<>();
      AtomicReference<String> clash = new AtomicReference<>();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            Scratch scratch = Scratch.acquire(true);
            AtomicInteger held = holders.computeIfAbsent(scratch, s -> new AtomicInteger());
            if (held.incrementAndGet() != 1) {
              clash.set("a scratch held by two calls at once");
            }
            scratch.ints(16)[0] = i;
            held.decrementAndGet();
            scratch.release();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(clash.get()).isNull();
      assertThat(holders.size()).as("scratches made for 160,000 calls on 8 threads").isLessThanOrEqualTo(threads + 2);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * On Java 21 or later, predictions on 2,000 virtual threads, each new, make only as many scratches as
   * run at once (plus the pool's), not one per thread, and predict what a platform thread does.
   */
  @Test
  void virtualThreadsShareScratchFromThePool() throws Exception {
    Method ofVirtual;
    try {
      ofVirtual = Thread.class.getMethod("ofVirtual");
    } catch (NoSuchMethodException e) {
      ofVirtual = null;
    }
    assumeThat(ofVirtual).as("virtual threads (Java 21 or later)").isNotNull();
    TreePredictor predictor = (TreePredictor) TreeEnsembles.xgboost("model.json",
        Reference.resource("xgboost1-binary-logistic.json"), Float.NaN);
    float[][] rows = Rows.generate(64, predictor.inputWidth().getAsInt(), 9);
    float[][] expected = predictor.predict(rows);
    Object builder = ofVirtual.invoke(null);
    Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
    long created = Scratch.created();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int round = 0; round < 20; round++) {
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        started.add((Thread) start.invoke(builder, (Runnable) () -> {
          try {
            assertThat(Scratch.isVirtual(Thread.currentThread())).isTrue();
            assertThat(predictor.predict(rows)).isDeepEqualTo(expected);
            assertThat(predictor.predict(rows[3])).isEqualTo(expected[3]);
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }));
      }
      for (Thread thread : started) {
        thread.join(60_000);
      }
    }
    assertThat(failure.get()).isNull();
    assertThat(Scratch.created() - created).as("scratches made for 4,000 calls on 2,000 virtual threads")
        .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * 4L + 64);
  }
}
