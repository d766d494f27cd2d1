package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.modelregistry.linear.LinearModel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelRegistryTest extends RegistryHarness {

  @Test
  void servesThePromotedVersionOnceBuilt() {
    release(0.25f);
    ModelRegistry registry = start();

    Model model = registry.current(MODEL);
    assertThat(model.name()).isEqualTo(MODEL);
    assertThat(model.version()).isEqualTo("v1");
    assertThat(model.source()).isEqualTo(ModelSource.STORE);
    assertThat(model.predict(row())).containsExactly(0.25f);
    assertThat(model.features()).containsExactly("home_win_pct", "away_win_pct", "run_rate");
    assertThat(model.metrics()).containsEntry("accuracy", 0.5025);
    assertThat(model.manifest()).get().extracting(Manifest::format).isEqualTo("linear");

    ModelStatus status = registry.status(MODEL);
    assertThat(status.version()).isEqualTo("v1");
    assertThat(status.pointerVersion()).isEqualTo("v1");
    assertThat(status.loadedAt()).isNotNull();
    assertThat(status.lastFailure()).isNull();
    assertThat(registry.models()).containsExactly(MODEL);
  }

  @Test
  void refreshSwapsInANewlyPromotedVersion() {
    release(1);
    ModelRegistry registry = start();
    release(2);

    registry.refresh();

    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.current(MODEL).predict(row())).containsExactly(2f);
    assertThat(events.of(RegistryEvent.Swapped.class)).extracting(RegistryEvent.Swapped::version)
        .containsExactly("v1", "v2");
    assertThat(events.of(RegistryEvent.Swapped.class).get(1).previousVersion()).isEqualTo("v1");
  }

  @Test
  void aRollbackIsServedOnTheNextPoll() {
    release(1);
    release(2);
    ModelRegistry registry = start();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");

    publisher.rollback(MODEL, "v2 regressed");
    registry.refresh();

    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);
  }

  @Test
  void aKeptModelReferenceFallsForwardToTheLiveVersionAndNeverTouchesARetiredOne() {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL));
    Model kept = registry.current(MODEL);
    assertThat(kept.predict(new float[2])).containsExactly(1f);

    publisher.publish(MODEL, CountingLoader.version(2));
    publisher.promote(MODEL, "v2", null);
    registry.refresh();

    assertThat(kept.version()).isEqualTo("v2");
    assertThat(kept.predict(new float[2])).containsExactly(2f);
    await().atMost(Duration.ofSeconds(5)).until(() -> loader.opened.get(0).closes.get() == 1);
    for (int i = 0; i < 1000; i++) {
      assertThat(kept.predict(new float[2])).containsExactly(2f);
    }
    assertThat(loader.usedAfterClose).hasValue(0);
  }

  @Test
  void aLeasePinsItsVersionUntilItIsClosed() {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL));

    Lease lease = registry.current(MODEL).lease();
    publisher.publish(MODEL, CountingLoader.version(2));
    publisher.promote(MODEL, "v2", null);
    registry.refresh();

    assertThat(registry.current(MODEL).predict(new float[2])).containsExactly(2f);
    assertThat(lease.version()).isEqualTo("v1");
    assertThat(lease.predict(new float[2])).containsExactly(1f);
    assertThat(registry.status(MODEL).retiredVersions()).isEqualTo(1);
    CountingLoader.CountingPredictor v1 = lease.unwrap(CountingLoader.CountingPredictor.class);
    assertThat(v1.closes).hasValue(0);

    lease.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> v1.closes.get() == 1);
    assertThat(registry.status(MODEL).retiredVersions()).isZero();
    assertThat(loader.usedAfterClose).hasValue(0);
  }

  @Test
  void theFrameworkObjectIsOnlyReachableInsideAnOpenLease() {
    release(1);
    ModelRegistry registry = start();
    Lease lease = registry.current(MODEL).lease();
    assertThat(lease.unwrap(dev.modelregistry.linear.LinearPredictor.class).outputs()).isEqualTo(1);
    assertThatThrownBy(() -> lease.unwrap(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not provide java.lang.String");
    lease.close();
    lease.close(); // idempotent
    assertThatThrownBy(() -> lease.unwrap(dev.modelregistry.linear.LinearPredictor.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> lease.predict(row())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLeaseHeldTooLongIsReportedOnceWithoutAnyCostOnTheLeasePath() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofMinutes(1), Duration.ofMinutes(10)).model(MODEL)
        .leaseWarningAfter(Duration.ofSeconds(40)));
    try (Lease lease = registry.current(MODEL).lease()) {
      scheduler.advance(Duration.ofSeconds(30));
      assertThat(events.of(RegistryEvent.LeaseOverdue.class)).isEmpty();

      scheduler.advance(Duration.ofSeconds(30));
      assertThat(events.of(RegistryEvent.LeaseOverdue.class)).singleElement().satisfies(overdue -> {
        assertThat(overdue.version()).isEqualTo("v1");
        assertThat(overdue.heldFor()).isGreaterThan(Duration.ofSeconds(40)).isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(overdue.thread()).isEqualTo("unknown");
        assertThat(overdue.acquiredAt()).isNull();
      });
      scheduler.advance(Duration.ofMinutes(5));
      assertThat(events.of(RegistryEvent.LeaseOverdue.class)).as("reported once").hasSize(1);
      assertThat(lease.version()).isEqualTo("v1");
    }
    try (Lease shortOne = registry.current(MODEL).lease()) {
      assertThat(shortOne.version()).isEqualTo("v1");
    }
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(events.of(RegistryEvent.LeaseOverdue.class)).as("closed leases are not reported").hasSize(1);
  }

  @Test
  void withStackCaptureOnAnOverdueLeaseIsReportedWithTheThreadAndStackWhereItWasTaken() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofMinutes(1), Duration.ofMinutes(10)).model(MODEL)
        .leaseWarningAfter(Duration.ofSeconds(40)).captureLeaseStacks(true));
    try (Lease lease = registry.current(MODEL).lease()) {
      scheduler.advance(Duration.ofSeconds(30));
      assertThat(events.of(RegistryEvent.LeaseOverdue.class)).isEmpty();
      scheduler.advance(Duration.ofSeconds(20));
      RegistryEvent.LeaseOverdue overdue = events.of(RegistryEvent.LeaseOverdue.class).get(0);
      assertThat(overdue.version()).isEqualTo("v1");
      assertThat(overdue.heldFor()).isGreaterThan(Duration.ofSeconds(40));
      assertThat(overdue.thread()).isEqualTo(Thread.currentThread().getName());
      assertThat(overdue.acquiredAt().getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("withStackCaptureOnAnOverdueLeaseIsReportedWithTheThreadAndStackWhereItWasTaken"));
      assertThat(lease.version()).isEqualTo("v1");
    }
  }

  @Test
  void predictionsThroughALeaseAreCounted() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).recordPredictionStats(true));
    try (Lease lease = registry.current(MODEL).lease()) {
      for (int i = 0; i < 10; i++) {
        lease.predict(row());
      }
      lease.predict(new float[][] {row(), row()});
      lease.predict(Map.of("home_win_pct", 0.5, "away_win_pct", 0.4, "run_rate", 7.5));
    }
    registry.current(MODEL).predict(row());
    assertThat(registry.predictionStats(MODEL)).singleElement()
        .satisfies(stats -> assertThat(stats.count()).isEqualTo(13));
  }

  @Test
  void afterCloseEveryOperationThrowsRegistryClosedException() {
    release(1);
    ModelRegistry registry = start();
    registry.close();
    assertThatThrownBy(registry::refresh).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.refresh(MODEL)).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.pin(MODEL, "v1")).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.unpin(MODEL)).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.current(MODEL)).isInstanceOf(RegistryClosedException.class);
  }

  @Test
  void unchangedPollsReadOnlyThePointerAndTransferNoBytes() {
    release(1);
    ModelRegistry registry = start();
    registry.refresh();
    long requests = memory.requests();
    long bytes = memory.bytesServed();

    for (int i = 0; i < 100; i++) {
      registry.refresh();
    }

    assertThat(memory.requests() - requests).isEqualTo(100);
    assertThat(memory.bytesServed() - bytes).isZero();
    assertThat(registry.status(MODEL).lastPoll()).isEqualTo(ModelStatus.PollResult.UNCHANGED);
  }

  @Test
  void aNewVersionIsPickedUpByThePollerWithinTheInterval() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofSeconds(50), Duration.ofMinutes(10)).model(MODEL));
    release(2);
    scheduler.advance(Duration.ofSeconds(49));
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.status(MODEL).lastSuccessfulPollAt()).isNotNull();
  }

  @Test
  void pollErrorsBackOffExponentiallyAndPollingRecoversWhenTheStoreReturns() {
    release(1);
    ModelRegistry registry = build(manual(Duration.ofSeconds(20), Duration.ofSeconds(320)).model(MODEL));
    store.offline(true);
    int before = store.pointerReads.get();
    // One poll after the interval; then the delay doubles per failed poll: 40, 80, 160, 320, 320 s.
    long[] expectedAt = {20, 60, 140, 300, 620, 940};
    long now = 0;
    for (int i = 0; i < expectedAt.length; i++) {
      scheduler.advance(Duration.ofSeconds(expectedAt[i] - now - 1));
      assertThat(store.pointerReads.get() - before).as("before poll %d", i + 1).isEqualTo(i);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(store.pointerReads.get() - before).as("poll %d at %d s", i + 1, expectedAt[i]).isEqualTo(i + 1);
      now = expectedAt[i];
    }
    assertThat(registry.status(MODEL).lastPoll()).isEqualTo(ModelStatus.PollResult.FAILED);
    assertThat(registry.status(MODEL).consecutiveFailures()).isEqualTo(6);
    assertThat(registry.status(MODEL).lastFailure().message()).contains("store unreachable");
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);

    store.offline(false);
    release(2);
    scheduler.advance(Duration.ofSeconds(320));
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    ModelStatus status = registry.status(MODEL);
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.lastFailure()).isNull();
    scheduler.advance(Duration.ofSeconds(19));
    int afterRecovery = store.pointerReads.get();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(store.pointerReads.get()).as("back to the plain interval").isEqualTo(afterRecovery + 1);
  }

  @Test
  void aPinnedVersionIsServedWhateverThePointerSaysUntilUnpinned() {
    release(1);
    release(2);
    ModelRegistry registry = start();

    ModelStatus pinned = registry.pin(MODEL, "v1");
    assertThat(pinned.version()).isEqualTo("v1");
    assertThat(pinned.pinnedVersion()).isEqualTo("v1");
    assertThat(pinned.behindPointer()).isTrue();
    release(3);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");

    ModelStatus unpinned = registry.unpin(MODEL);
    assertThat(unpinned.version()).isEqualTo("v3");
    assertThat(unpinned.pinnedVersion()).isNull();
  }

  @Test
  void pinningAVersionThatCannotLoadLeavesTheModelAsItWas() {
    release(1);
    ModelRegistry registry = start();
    assertThatThrownBy(() -> registry.pin(MODEL, "v7"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("v7")
        .hasMessageContaining("no such version");
    assertThat(registry.status(MODEL).pinnedVersion()).isNull();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
  }

  @Test
  void closeWaitsForCallsInFlightThenClosesEveryModel() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BlockingLoader loader = publishBlocking(entered, release);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL));
    Model model = registry.current(MODEL);
    loader.block = true;

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> call = pool.submit(() -> model.predict(new float[1]));
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      Future<?> closing = pool.submit(registry::close);
      assertThatThrownBy(() -> closing.get(100, TimeUnit.MILLISECONDS))
          .as("close waits for the call in flight").isInstanceOf(java.util.concurrent.TimeoutException.class);
      assertThat(loader.predictor.closed).isFalse();
      assertThatThrownBy(() -> model.predict(new float[1])).isInstanceOf(RegistryClosedException.class);

      release.countDown();
      assertThat(call.get(5, TimeUnit.SECONDS)).containsExactly(1f);
      closing.get(5, TimeUnit.SECONDS);
      assertThat(loader.predictor.closed).isTrue();
      assertThatThrownBy(() -> registry.current(MODEL)).isInstanceOf(RegistryClosedException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeGivesUpOnACallThatNeverReturnsAndLeavesItsModelOpen() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BlockingLoader loader = publishBlocking(entered, release);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL).closeTimeout(Duration.ofMillis(200)));
    loader.block = true;
    Thread caller = new Thread(() -> registry.current(MODEL).predict(new float[1]));
    caller.start();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    registry.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(loader.predictor.closed).as("never closed under a running call").isFalse();
    release.countDown();
    caller.join(5000);
  }

  @Test
  void listenersSeeTheLifecycleAndOneThatThrowsChangesNothing() {
    release(1);
    RegistryListener throwing = new RegistryListener() {
      @Override
      public void onSwapped(RegistryEvent.Swapped event) {
        throw new IllegalStateException("listener bug");
      }
    };
    ModelRegistry registry = build(builder().listener(throwing).model(MODEL));
    release(2);
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.of(RegistryEvent.Closed.class).isEmpty());

    assertThat(events.all).filteredOn(e -> !(e instanceof RegistryEvent.Polled))
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("Loaded", "Swapped", "Loaded", "Swapped", "Retired", "Closed");
    assertThat(events.of(RegistryEvent.Closed.class).get(0).version()).isEqualTo("v1");
    assertThat(events.of(RegistryEvent.Loaded.class).get(1).bytesDownloaded()).isPositive();
  }

  @Test
  void namedFeaturesAreOrderedBySchemaAndMistakesNameTheFeatureAndVersion() {
    publisher.publish(MODEL, Publication.builder()
        .file("model.json", LinearModel.identity(0, 1, 10, 100).toJson())
        .features(java.util.List.of("a", "b", "c"))
        .build());
    publisher.promote(MODEL, "v1", null);
    Model model = start().current(MODEL);

    assertThat(model.predict(Map.of("c", 3, "a", 1, "b", 2.0))).containsExactly(321f);
    assertThatThrownBy(() -> model.predict(Map.of("a", 1, "b", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature c is missing")
        .hasMessageContaining(MODEL + " v1");
    assertThatThrownBy(() -> model.predict(Map.of("a", 1, "b", 2, "c", 3, "d", 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no feature 'd'")
        .hasMessageContaining("v1");
    assertThatThrownBy(() -> model.predict(new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expects 3 features (a, b, c) but got 2")
        .hasMessageContaining(MODEL + " v1");
  }

  @Test
  void namedFeaturesNeedASchema() {
    publisher.publish(MODEL, Publication.builder().file("model.json", LinearModel.identity(0, 1, 1).toJson()).build());
    publisher.promote(MODEL, "v1", null);
    Model model = start().current(MODEL);
    assertThat(model.predict(new float[] {1, 2})).containsExactly(3f);
    assertThatThrownBy(() -> model.predict(Map.of("x", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no schema.json");
  }

  @Test
  void batchPredictionChecksEveryRow() {
    publisher.publish(MODEL, Publication.builder().file("model.json", LinearModel.identity(1, 2, 3).toJson()).build());
    publisher.promote(MODEL, "v1", null);
    Model model = start().current(MODEL);
    assertThat(model.predict(new float[][] {{1, 1}, {0, 0}, {2, 0}}))
        .isDeepEqualTo(new float[][] {{6}, {1}, {5}});
    assertThatThrownBy(() -> model.predict(new float[][] {{1, 1}, {1}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 1");
  }

  @Test
  void predictionStatsCountAndTimeCallsPerVersionWhenAskedFor() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).recordPredictionStats(true));
    Model model = registry.current(MODEL);
    for (int i = 0; i < 10; i++) {
      model.predict(row());
    }
    model.predict(new float[][] {row(), row()});
    assertThatThrownBy(() -> model.predict(new float[] {1}));

    PredictionStats v1 = registry.predictionStats(MODEL).get(0);
    assertThat(v1.version()).isEqualTo("v1");
    assertThat(v1.count()).isEqualTo(11);
    assertThat(v1.failures()).isEqualTo(1);
    assertThat(v1.totalTime(TimeUnit.NANOSECONDS)).isPositive();

    try (Lease lease = model.lease()) {
      release(2);
      registry.refresh();
      model.predict(row());
      assertThat(registry.predictionStats(MODEL)).extracting(PredictionStats::version).containsExactly("v2", "v1");
      assertThat(registry.predictionStats(MODEL).get(0).count()).isEqualTo(1);
      assertThat(lease.version()).isEqualTo("v1");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.predictionStats(MODEL).size() == 1);
  }

  @Test
  void predictionStatsStayEmptyByDefault() {
    release(1);
    ModelRegistry registry = start();
    registry.current(MODEL).predict(row());
    assertThat(registry.predictionStats(MODEL).get(0).count()).isZero();
  }

  @Test
  void aModelThatWasNotDeclaredIsNotFound() {
    release(1);
    ModelRegistry registry = start();
    assertThatThrownBy(() -> registry.current("odi_win_predictor"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("odi_win_predictor is not declared")
        .hasMessageContaining(MODEL);
  }

  @Test
  void anOptionalModelThatNoSourceHasLoadsWhenItIsPublished() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).model(ModelSpec.optional("odi_win_predictor")));
    assertThat(registry.status("odi_win_predictor").loaded()).isFalse();
    assertThatThrownBy(() -> registry.current("odi_win_predictor"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("no version loaded yet");

    publisher.publish("odi_win_predictor", constant(9));
    publisher.promote("odi_win_predictor", "v1", null);
    registry.refresh();
    assertThat(registry.current("odi_win_predictor").predict(row())).containsExactly(9f);
  }

  @Test
  void withoutFailFastARequiredModelThatNoSourceHasIsReportedAndLoadedLater() {
    ModelRegistry registry = build(builder().model(MODEL).failFast(false));
    ModelStatus status = registry.status(MODEL);
    assertThat(status.required()).isTrue();
    assertThat(status.loaded()).isFalse();
    assertThat(status.lastFailure().message()).contains("could not be loaded from any source");

    release(1);
    registry.refresh();
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);
  }

  @Test
  void statusCountsCallsInFlight() {
    release(1);
    ModelRegistry registry = start();
    try (Lease lease = registry.current(MODEL).lease()) {
      assertThat(registry.status(MODEL).inFlight()).isEqualTo(1);
    }
    assertThat(registry.status(MODEL).inFlight()).isZero();
  }

  @Test
  void theBuilderRefusesASettingGivenTwiceAndBadValuesWithTheValueInTheMessage() {
    assertThatThrownBy(() -> ModelRegistry.builder().pollInterval(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pollInterval was already set to PT1S");
    assertThatThrownBy(() -> ModelRegistry.builder().pollInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> ModelRegistry.builder().pollJitter(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> ModelRegistry.builder().model(MODEL).model(MODEL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> ModelRegistry.builder().model(MODEL).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a store, a fallback, or both");
  }

  private BlockingLoader publishBlocking(CountDownLatch entered, CountDownLatch release) {
    publisher.publish(MODEL, Publication.builder().file("model.txt", new byte[] {'1'}).format("blocking").build());
    publisher.promote(MODEL, "v1", null);
    return new BlockingLoader(entered, release);
  }

  /** Loads format {@code blocking}: a predictor that can be made to block inside predict. */
  static final class BlockingLoader implements dev.modelregistry.spi.ModelLoader {
    final CountDownLatch entered;
    final CountDownLatch release;
    volatile boolean block;
    volatile BlockingPredictor predictor;

    BlockingLoader(CountDownLatch entered, CountDownLatch release) {
      this.entered = entered;
      this.release = release;
    }

    @Override
    public String format() {
      return "blocking";
    }

    @Override
    public dev.modelregistry.spi.Predictor load(dev.modelregistry.spi.ModelArtifacts artifacts) {
      predictor = new BlockingPredictor(this);
      return predictor;
    }
  }

  static final class BlockingPredictor implements dev.modelregistry.spi.Predictor {
    private final BlockingLoader loader;
    volatile boolean closed;

    BlockingPredictor(BlockingLoader loader) {
      this.loader = loader;
    }

    @Override
    public float[] predict(float[] features) {
      if (loader.block) {
        loader.entered.countDown();
        try {
          loader.release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (closed) {
        throw new AssertionError("used after close");
      }
      return new float[] {1};
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
