package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever a store or a loader throws or does, the registry contains it: errors (out of memory included)
 * become reported, backed-off failures; a read or load that hangs is abandoned at its deadline while other
 * models go on; status shows what is stuck and since when.
 */
@Timeout(30)
class ContainmentTest extends RegistryHarness {

  @Test
  void anOutOfMemoryErrorReadingThePointerIsAReportedPollFailureAndPollingGoesOn() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofSeconds(10), Duration.ofSeconds(40)).model(MODEL));
    store.hook((op, key) -> {
      if (key.endsWith("latest.json")) {
        throw new OutOfMemoryError("Java heap space (simulated: a 1 GiB latest.json)");
      }
    });

    registry.refresh();
    ModelStatus status = registry.status(MODEL);
    assertThat(status.lastPoll()).isEqualTo(ModelStatus.PollResult.FAILED);
    assertThat(status.lastFailure().message()).contains("OutOfMemoryError").contains("Java heap space");
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");

    int reads = store.pointerReads.get();
    scheduler.advance(Duration.ofSeconds(40));
    assertThat(store.pointerReads.get()).as("background polls go on, backed off").isGreaterThan(reads);
    assertThat(registry.status(MODEL).lastPollAt()).isNotNull();

    store.hook(null);
    release(2);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aLoaderThatRunsOutOfMemoryIsRefusedAndRetriedWithBackoffNotEveryPoll() {
    release(1);
    AtomicInteger attempts = new AtomicInteger();
    ModelRegistry registry = build(manual(Duration.ofSeconds(10), Duration.ofSeconds(1000)).model(MODEL)
        .loader(loader("huge", () -> {
          attempts.incrementAndGet();
          throw new OutOfMemoryError("Java heap space (simulated: 50 million weights)");
        })));
    publisher.publish(MODEL, Publication.builder().file("model.bin", new byte[] {1}).format("huge").build());
    publisher.promote(MODEL, "v2", null);

    for (int i = 0; i < 100; i++) {
      scheduler.advance(Duration.ofSeconds(10));
    }
    // 100 polls over 1000 s: tried at the first, then 10, 20, 40, ... 640 s after each failure.
    assertThat(attempts).hasValue(7);
    assertThat(events.of(RegistryEvent.LoadFailed.class)).hasSize(7)
        .allSatisfy(e -> assertThat(e.cause()).hasMessageContaining("ran out of memory"));
    ModelStatus status = registry.status(MODEL);
    assertThat(status.lastFailure().version()).isEqualTo("v2");
    assertThat(status.lastFailure().message()).contains("ran out of memory");
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
  }

  @Test
  void aLoadThatHangsIsAbandonedAtItsDeadlineWhileOtherModelsGoOn() throws Exception {
    String other = "odi_win_predictor";
    release(1);
    publisher.publish(other, constant(10));
    publisher.promote(other, "v1", null);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ModelRegistry registry = build(builder().model(MODEL).model(other)
        .ticker(scheduler.ticker()).scheduler(scheduler).loaderThreads(2).loadTimeout(Duration.ofMinutes(2)));
    store.hook((op, key) -> {
      if (op.equals("open") && key.startsWith(MODEL + "/v2/")) {
        entered.countDown();
        awaitIgnoringInterrupts(release); // a read that does not stop when interrupted
      }
    });
    release(2);
    publisher.publish(other, constant(20));
    publisher.promote(other, "v2", null);

    CompletableFuture<Void> refresh = CompletableFuture.runAsync(registry::refresh);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.current(other).version().equals("v2"));
    assertThat(refresh).isNotDone();
    assertThat(registry.status(MODEL).loadingVersion()).isEqualTo("v2");

    scheduler.advance(Duration.ofMinutes(2));
    refresh.get(10, TimeUnit.SECONDS);
    ModelStatus stuck = registry.status(MODEL);
    assertThat(stuck.version()).isEqualTo("v1");
    assertThat(stuck.stuckSince()).isNotNull();
    assertThat(stuck.lastFailure().version()).isEqualTo("v2");
    assertThat(stuck.lastFailure().message()).contains("did not finish within the load timeout");
    assertThat(events.of(RegistryEvent.LoadFailed.class)).anySatisfy(e -> assertThat(e.version()).isEqualTo("v2"));

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.status(MODEL).stuckSince() == null);
    store.hook(null);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  @Test
  void aListenerToldOfTheSwapAfterAFailedLoadSeesTheFailureCleared() {
    release(1);
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<ModelRegistry> built = new AtomicReference<>();
    List<String> seenAtSwap = new CopyOnWriteArrayList<>();
    ModelRegistry registry = build(manual(Duration.ofSeconds(10), Duration.ofSeconds(10)).model(MODEL)
        .loader(loader("flaky", () -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("the first load breaks");
          }
          return row -> new float[] {2};
        }))
        .listener(new RegistryListener() {
          @Override
          public void onSwapped(RegistryEvent.Swapped event) {
            if ("v2".equals(event.version())) {
              ModelStatus.Failure failure = built.get().status(MODEL).lastFailure();
              seenAtSwap.add(failure == null ? "none" : failure.message());
            }
          }
        }));
    built.set(registry);
    publisher.publish(MODEL, Publication.builder().file("model.bin", new byte[] {1}).format("flaky").build());
    publisher.promote(MODEL, "v2", null);

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(registry.status(MODEL).lastFailure().message()).contains("the first load breaks");
    scheduler.advance(Duration.ofSeconds(20)); // past the backoff

    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    // the swap and the end of the failure are one change of state: no reader sees v2 served beside it
    assertThat(seenAtSwap).containsExactly("none");
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aListenerThatThrowsAnErrorChangesNothing() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).listener(new RegistryListener() {
      @Override
      public void onSwapped(RegistryEvent.Swapped event) {
        throw new AssertionError("listener bug");
      }
    }));
    release(2);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

}
