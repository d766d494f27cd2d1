package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Canary, sticky units and shadow, driven by the store's pointer, moved by the publisher. */
class RolloutTest extends RegistryHarness {

  /** v1 (answers 1) serving, v2 (answers 2) published, a registry on them, then {@code move} applied. */
  private ModelRegistry v1ServingThen(java.util.function.Consumer<ModelPublisher> move) {
    release(1);
    publish(2);
    ModelRegistry registry = start();
    move.accept(publisher);
    registry.refresh();
    return registry;
  }

  @Test
  void aCanaryTakesItsShareOfRandomCallsAndTheUnitsUnderItsPercent() {
    ModelRegistry registry = v1ServingThen(p -> p.startCanary(MODEL, "v2", 10, "try v2 on 10%"));

    Model model = registry.current(MODEL);
    assertThat(model.version()).isEqualTo("v1");
    int canary = 0;
    for (int i = 0; i < 100_000; i++) {
      if (model.predict(row())[0] == 2f) {
        canary++;
      }
    }
    assertThat(canary / 100_000.0).isCloseTo(0.10, within(0.01));

    int sticky = 0;
    for (int i = 0; i < 20_000; i++) {
      String user = "user-" + i;
      float first = model.forUnit(user).predict(row())[0];
      assertThat(model.forUnit(user).predict(row())[0]).as("a unit always sees one version").isEqualTo(first);
      if (first == 2f) {
        sticky++;
      }
    }
    assertThat(sticky / 20_000.0).isCloseTo(0.10, within(0.01));
    ModelStatus.Rollout rollout = registry.status(MODEL).rollout();
    assertThat(rollout.canaryVersion()).isEqualTo("v2");
    assertThat(rollout.canaryPercent()).isEqualTo(10.0);
    assertThat(events.of(RegistryEvent.RolloutChanged.class)).isNotEmpty();
  }

  @Test
  void raisingTheCanaryNeverMovesAUnitBackAndLoweringMovesOnlyThoseAboveTheLine() {
    ModelRegistry registry = v1ServingThen(p -> p.startCanary(MODEL, "v2", 5, null));
    Model model = registry.current(MODEL);
    int ids = 100_000;
    boolean[] at5 = new boolean[ids];
    for (int i = 0; i < ids; i++) {
      at5[i] = model.forUnit("unit-" + i).predict(row())[0] == 2f;
    }

    publisher.setCanaryPercent(MODEL, 10, "more");
    registry.refresh();
    boolean[] at10 = new boolean[ids];
    int moved = 0;
    for (int i = 0; i < ids; i++) {
      at10[i] = model.forUnit("unit-" + i).predict(row())[0] == 2f;
      assertThat(!at5[i] || at10[i]).as("unit-%d left the canary when it grew", i).isTrue();
      if (at10[i] && !at5[i]) {
        moved++;
      }
    }
    assertThat(moved / (double) ids).isCloseTo(0.05, within(0.01));

    publisher.setCanaryPercent(MODEL, 5, "less");
    registry.refresh();
    for (int i = 0; i < ids; i++) {
      boolean now = model.forUnit("unit-" + i).predict(row())[0] == 2f;
      assertThat(now).as("unit-%d after lowering back to 5%%", i).isEqualTo(at5[i]);
    }
  }

  @Test
  void aLeaseSaysWhichArmServedIt() {
    ModelRegistry registry = v1ServingThen(p -> p.startCanary(MODEL, "v2", 100, null));
    try (Lease lease = registry.current(MODEL).lease()) {
      assertThat(lease.arm()).isEqualTo(Arm.CANARY);
      assertThat(lease.version()).isEqualTo("v2");
    }
    publisher.setCanaryPercent(MODEL, 0, null);
    registry.refresh();
    try (Lease lease = registry.current(MODEL).forUnit("anyone").lease()) {
      assertThat(lease.arm()).isEqualTo(Arm.STABLE);
      assertThat(lease.version()).isEqualTo("v1");
    }
  }

  @Test
  void promotingTheCanaryMakesItStableAndRetiresTheOldStableOnce() {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.publish(MODEL, CountingLoader.version(2));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL));
    publisher.startCanary(MODEL, "v2", 50, null);
    registry.refresh();
    assertThat(loader.opened).hasSize(2);

    Pointer promoted = publisher.promoteCanary(MODEL, "canary looked good");
    assertThat(promoted.version().value()).isEqualTo("v2");
    assertThat(promoted.previous().value()).isEqualTo("v1");
    assertThat(promoted.canary()).isNull();
    registry.refresh();

    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.status(MODEL).rollout()).isEqualTo(ModelStatus.Rollout.NONE);
    assertThat(loader.opened).as("v2 was already loaded as the canary").hasSize(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> loader.opened.get(0).closes.get() == 1);
    assertThat(loader.opened.get(1).closes).hasValue(0);

    assertThat(publisher.history(MODEL)).extracting(PointerMove::action)
        .containsExactly("promote", "canary-start", "canary-promote");
    assertThat(publisher.rollback(MODEL, "v2 regressed").version().value()).isEqualTo("v1");
  }

  @Test
  void abortingTheCanarySendsEveryoneToStableAndClosesIt() {
    CountingLoader loader = new CountingLoader();
    publisher.publish(MODEL, CountingLoader.version(1));
    publisher.publish(MODEL, CountingLoader.version(2));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(builder().loader(loader).model(MODEL));
    publisher.startCanary(MODEL, "v2", 50, null);
    registry.refresh();
    publisher.abortCanary(MODEL, "error rate");
    registry.refresh();
    for (int i = 0; i < 1000; i++) {
      assertThat(registry.current(MODEL).forUnit("u" + i).predict(new float[2])).containsExactly(1f);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> loader.opened.get(1).closes.get() == 1);
    assertThat(loader.usedAfterClose).hasValue(0);
  }

  @Test
  void pointerOperationsRefuseWhatMakesNoSense() {
    release(1);
    assertThatThrownBy(() -> publisher.setCanaryPercent(MODEL, 10, null))
        .isInstanceOf(PublishException.class).hasMessageContaining("no canary is running");
    assertThatThrownBy(() -> publisher.startCanary(MODEL, "v1", 10, null))
        .isInstanceOf(PublishException.class).hasMessageContaining("is the stable version");
    assertThatThrownBy(() -> publisher.startCanary(MODEL, "v9", 10, null))
        .isInstanceOf(PublishException.class).hasMessageContaining("v9");
    assertThatThrownBy(() -> publisher.startCanary(MODEL, "v1", 101, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 100]");
    assertThatThrownBy(() -> publisher.stopShadow(MODEL, null))
        .isInstanceOf(PublishException.class).hasMessageContaining("no shadow");
  }

  @Test
  void theCanaryAndShadowAreWrittenInLatestJsonAsAPythonJobWouldReadThem() {
    release(1);
    publish(2);
    publish(3);
    publisher.startCanary(MODEL, "v2", 10, null);
    publisher.startShadow(MODEL, "v3", 0.25, null);
    String json = new String(memory.get(MODEL + "/latest.json"), StandardCharsets.UTF_8);
    assertThat(json).contains("\"version\" : \"v1\"")
        .contains("\"canary\" : {").contains("\"version\" : \"v2\"").contains("\"percent\" : 10.0")
        .contains("\"shadow\" : {").contains("\"version\" : \"v3\"").contains("\"sample\" : 0.25");
  }

  @Test
  void aHandWrittenPointerWithACanaryIsFollowed() {
    release(1);
    publish(2);
    memory.put(MODEL + "/latest.json", "{\"version\": \"v1\", \"canary\": {\"version\": \"v2\", \"percent\": 100}}"
        .getBytes(StandardCharsets.UTF_8));
    ModelRegistry registry = start();
    assertThat(registry.current(MODEL).predict(row())).containsExactly(2f);
    memory.put(MODEL + "/latest.json", "{\"version\": \"v1\", \"canary\": {\"version\": \"v2\", \"percent\": \"ten\"}}"
        .getBytes(StandardCharsets.UTF_8));
    registry.refresh();
    assertThat(registry.status(MODEL).lastFailure().message()).contains("canary.percent");
    assertThat(registry.current(MODEL).predict(row())).as("the refused pointer changes nothing").containsExactly(2f);
  }

  @Test
  void aShadowGetsASampleOfTheCallsAndIsComparedWithoutChangingTheAnswer() {
    ModelRegistry registry = v1ServingThen(p -> p.startShadow(MODEL, "v2", 1.0, "compare v2"));
    Model model = registry.current(MODEL);
    for (int i = 0; i < 500; i++) {
      assertThat(model.predict(row())).containsExactly(1f);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.status(MODEL).rollout().shadow().calls() == 500);
    ShadowComparison comparison = registry.status(MODEL).rollout().shadow();
    assertThat(comparison.shadowVersion()).isEqualTo("v2");
    assertThat(comparison.stableVersion()).isEqualTo("v1");
    assertThat(comparison.agreement()).isEqualTo(1.0); // 1 and 2 are both on the same side of 0.5
    assertThat(comparison.differenceP50()).isCloseTo(1.0, within(0.13));
    assertThat(comparison.differenceMax()).isEqualTo(1.0);
    assertThat(comparison.shadowNanosP99()).isPositive();
    assertThat(comparison.dropped()).isZero();

    publisher.stopShadow(MODEL, "done");
    registry.refresh();
    assertThat(events.of(RegistryEvent.ShadowCompared.class)).singleElement()
        .satisfies(e -> assertThat(e.comparison().calls()).isEqualTo(500));
    assertThat(registry.status(MODEL).rollout().shadowVersion()).isNull();
  }

  @Test
  void aFullShadowQueueDropsTheShadowCallAndTheCallerNeverWaits() throws Exception {
    CountDownLatch shadowEntered = new CountDownLatch(1);
    CountDownLatch releaseShadow = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean warm = new java.util.concurrent.atomic.AtomicBoolean();
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).shadowQueueCapacity(2).loader(loader("slow", () -> features -> {
      if (warm.get()) {
        shadowEntered.countDown();
        try {
          releaseShadow.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new float[] {7};
    })));
    publisher.publish(MODEL, Publication.builder().file("model.bin", new byte[] {1}).format("slow").build());
    publisher.startShadow(MODEL, "v2", 1.0, null);
    registry.refresh();
    warm.set(true);

    Model model = registry.current(MODEL);
    assertThat(model.predict(row())).containsExactly(1f);
    assertThat(shadowEntered.await(10, TimeUnit.SECONDS)).isTrue(); // the shadow thread is now stuck
    for (int i = 0; i < 100; i++) {
      assertThat(model.predict(row())).containsExactly(1f); // never waits for the shadow
    }
    ShadowComparison comparison = registry.status(MODEL).rollout().shadow();
    assertThat(comparison.dropped()).isEqualTo(98); // 2 queued behind the stuck one
    releaseShadow.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.status(MODEL).rollout().shadow().calls() == 3);
    assertThat(registry.status(MODEL).rollout().shadow().agreement()).isEqualTo(1.0);
  }

}
