package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Names no source has: remembered for a time, so asking again does not read the store. */
class MissingModelsTest extends RegistryHarness {

  private static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final float[] TWO = {1, 2};

  final CountingLoader loader = new CountingLoader();

  private void releaseModel(String model, float value) {
    publisher.promote(model, publisher.publish(model, CountingLoader.version(value)).version().value(), null);
  }

  /** Discovery on manual time, no background polling. */
  private ModelRegistry.Builder discovering() {
    return builder().loader(loader).discover(ModelDiscovery.prefix("dish_"))
        .scheduler(scheduler).ticker(scheduler.ticker());
  }

  private static void assertNamesEverySource(Throwable e) {
    assertThat(e).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("model dish_nope could not be loaded from any source")
        .hasMessageContaining("store faulty:")
        .hasMessageContaining("local cache")
        .hasMessageContaining("bundled: no fallback configured");
    assertThat(((ModelNotFoundException) e).attempts()).hasSize(3);
  }

  @Test
  void concurrentAndRepeatedMissesCostOneStoreReadPerTtl() throws Exception {
    ModelRegistry registry = build(discovering().missingModelTtl(Duration.ofSeconds(30)));
    int threads = 8;
    int calls = 200;
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    together(threads, thread -> {
      for (int i = 0; i < calls; i++) {
        try {
          registry.current("dish_nope");
          thrown.add(new AssertionError("dish_nope was served"));
        } catch (ModelNotFoundException e) {
          thrown.add(e);
        }
      }
    });

    assertThat(thrown).hasSize(threads * calls).allSatisfy(MissingModelsTest::assertNamesEverySource);
    assertThat(store.pointerReads.get()).as("one read for all of them").isEqualTo(1);
    LoadedModelsStats stats = registry.loadedModelsStats();
    assertThat(stats.loadFailures()).isEqualTo(1);
    assertThat(stats.rememberedMisses() + stats.hits()).isEqualTo(threads * calls - 1);
    assertThat(registry.models()).isEmpty();

    scheduler.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> registry.current("dish_nope"))
        .satisfies(MissingModelsTest::assertNamesEverySource)
        .hasMessageContaining("remembered for up to 30000 ms");
    assertThat(store.pointerReads.get()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(2));
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> registry.current("dish_nope")).satisfies(MissingModelsTest::assertNamesEverySource);
    }
    assertThat(store.pointerReads.get()).as("one more read in the next 30 s").isEqualTo(2);
    assertThat(registry.currentAsync("dish_nope")).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(ModelNotFoundException.class);
    assertThat(store.pointerReads.get()).isEqualTo(2);
  }

  @Test
  void aModelPublishedLaterIsFoundAtTheNextPollOfTheChangeFeed() {
    releaseModel("dish_a", 1);
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .discover(ModelDiscovery.prefix("dish_")).missingModelTtl(Duration.ofHours(1)));
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    releaseModel("dish_nope", 5);
    releaseModel("dish_a", 2); // another model's move does not forget it

    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    scheduler.advance(INTERVAL);

    assertThat(registry.current("dish_nope").predict(TWO)).containsExactly(5f);
    assertThat(registry.current("dish_a").predict(TWO)).containsExactly(2f);
  }

  @Test
  void aNameMissedWhileThePublishRacedThePollIsFoundAtTheFollowingPoll() {
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .discover(ModelDiscovery.prefix("dish_")).missingModelTtl(Duration.ofHours(1)));
    releaseModel("dish_other", 1); // the feed exists
    scheduler.advance(INTERVAL);
    // The store is read before the publish, and the miss is remembered after the poll that read the feed
    // with the publish in it.
    byte[][] pointer = new byte[1][];
    store.hook((operation, key) -> {
      if (key.equals("dish_nope/latest.json")) {
        store.hook(null);
        releaseModel("dish_nope", 5);
        scheduler.advance(INTERVAL);
        pointer[0] = memory.get(key);
        memory.delete(key); // what the read saw: no pointer yet
      }
    });
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    memory.put("dish_nope/latest.json", pointer[0]);
    assertThatThrownBy(() -> registry.current("dish_nope")).as("remembered").isInstanceOf(ModelNotFoundException.class);

    scheduler.advance(INTERVAL); // the feed has not changed since, but shows a move past the one missed

    assertThat(registry.current("dish_nope").predict(TWO)).containsExactly(5f);
  }

  @Test
  void withoutAFeedARememberedNameIsAskedForAgainAfterTheTtl() {
    ModelRegistry registry = build(discovering().changeFeed(false).missingModelTtl(Duration.ofMinutes(5)));
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    releaseModel("dish_nope", 5);

    scheduler.advance(Duration.ofMinutes(4));
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(registry.current("dish_nope").predict(TWO)).containsExactly(5f);
    assertThat(store.pointerReads.get()).isEqualTo(2);
  }

  @Test
  void refreshForgetsRememberedNames() {
    ModelRegistry registry = build(discovering());
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class);
    releaseModel("dish_nope", 5);

    registry.refresh();

    assertThat(registry.current("dish_nope").predict(TWO)).containsExactly(5f);
  }

  @Test
  void aStoreThatFailedIsNotRemembered() {
    ModelRegistry registry = build(discovering());
    store.failWith((operation, key) -> key.startsWith("dish_") ? new IOException("connection reset") : null);
    assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("connection reset");
    store.failWith(null);
    releaseModel("dish_nope", 5);

    assertThat(registry.current("dish_nope").predict(TWO)).containsExactly(5f);
  }

  @Test
  void zeroTurnsItOffAndBadSettingsAreRefused() {
    ModelRegistry registry = build(discovering().missingModelTtl(Duration.ZERO));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> registry.current("dish_nope")).satisfies(MissingModelsTest::assertNamesEverySource);
    }
    assertThat(store.pointerReads.get()).isEqualTo(3);
    assertThat(registry.loadedModelsStats().rememberedMisses()).isZero();

    assertThatThrownBy(() -> builder().missingModelTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("missingModelTtl must be >= 0 but was PT-1S");
    assertThatThrownBy(() -> builder().missingModelTtl(Duration.ZERO).missingModelTtl(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("missingModelTtl was already set to PT0S");
    assertThatThrownBy(() -> builder().missingModelTtl(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no discovery is set");
  }

  @Test
  void aFallbackThatCouldNotBeReadIsNotRemembered() {
    InMemoryModelStore bundledMemory = new InMemoryModelStore();
    FaultyStore bundled = new FaultyStore(bundledMemory);
    ModelRegistry registry = build(discovering().fallback(bundled).missingModelTtl(Duration.ofMinutes(5)));
    ModelPublisher bundler = ModelPublisher.on(bundledMemory);
    bundler.promote("dish_b", bundler.publish("dish_b", CountingLoader.version(7)).version().value(), null);
    bundled.failWith((operation, key) -> new IOException("connection reset"));

    assertThatThrownBy(() -> registry.current("dish_b")).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("connection reset");
    bundled.failWith(null); // the fallback is back: the next lookup asks the sources again

    assertThat(registry.current("dish_b").predict(TWO)).containsExactly(7f);
    assertThat(registry.loadedModelsStats().rememberedMisses()).isZero();
  }

  @Test
  void aNameNoFallbackHasEitherIsRemembered() {
    ModelRegistry registry = build(discovering().fallback(new InMemoryModelStore())
        .missingModelTtl(Duration.ofMinutes(5)));

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> registry.current("dish_nope")).isInstanceOf(ModelNotFoundException.class)
          .hasMessageContaining("bundled");
    }

    assertThat(store.pointerReads.get()).as("the store is read once").isEqualTo(1);
    assertThat(registry.loadedModelsStats().rememberedMisses()).isEqualTo(4);
  }
}
