package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Models not declared at build: found in the store, loaded on first use, bounded, evicted lease-safely. */
class DiscoveryTest extends RegistryHarness {

  final CountingLoader loader = new CountingLoader();

  private void releaseModel(String model, float value) {
    String version = publisher.publish(model, CountingLoader.version(value)).version().value();
    publisher.promote(model, version, null);
  }

  private ModelRegistry.Builder discovering(ModelDiscovery discovery) {
    return builder().loader(loader).discover(discovery).loaderExecutor(Runnable::run);
  }

  private static float[] two() {
    return new float[] {1, 2};
  }

  @Test
  void aDiscoveredModelLoadsOnFirstUseAndIsALookupAfter() {
    releaseModel("dish_a", 1);
    ModelRegistry registry = build(discovering(ModelDiscovery.all()));
    assertThat(registry.models()).isEmpty();

    assertThat(registry.current("dish_a").predict(two())).containsExactly(1f);
    assertThat(registry.current("dish_a").predict(two())).containsExactly(1f);

    assertThat(registry.models()).containsExactly("dish_a");
    assertThat(registry.status("dish_a").version()).isEqualTo("v1");
    LoadedModelsStats stats = registry.loadedModelsStats();
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.hits()).isEqualTo(1);
    assertThat(stats.loads()).isEqualTo(1);
    assertThat(stats.loaded()).isEqualTo(1);
    assertThat(loader.opened).hasSize(1);
  }

  @Test
  void aNameNoSourceHasFailsNamingEverySourceTriedAndIsTriedAgainNextTime() {
    ModelRegistry registry = build(discovering(ModelDiscovery.all()).missingModelTtl(Duration.ZERO)); // not remembered

    assertThatThrownBy(() -> registry.current("dish_missing"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("model dish_missing could not be loaded from any source")
        .hasMessageContaining("store faulty:")
        .hasMessageContaining("local cache")
        .hasMessageContaining("bundled: no fallback configured");
    assertThat(registry.currentAsync("dish_missing")).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.models()).isEmpty();
    assertThat(registry.loadedModelsStats().loadFailures()).isEqualTo(2);

    releaseModel("dish_missing", 4);
    assertThat(registry.current("dish_missing").predict(two())).containsExactly(4f);
  }

  @Test
  void aPrefixServesOnlyItsNamesAndDeclaredModelsBehaveAsBefore() {
    releaseModel("dish_a", 1);
    releaseModel("tracker01", 2);
    release(3);
    ModelRegistry registry = build(discovering(ModelDiscovery.prefix("dish_")).model(MODEL));

    assertThat(registry.current(MODEL).predict(row())).containsExactly(3f);
    assertThat(registry.current("dish_a").predict(two())).containsExactly(1f);
    assertThatThrownBy(() -> registry.current("tracker01"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("is not declared in this registry (declared: t20_win_predictor)")
        .hasMessageContaining("models named dish_*")
        .hasMessageContaining("'tracker01'");
    assertThatThrownBy(() -> registry.current("_changes.json")).isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.models()).containsExactly(MODEL, "dish_a");
  }

  @Test
  void concurrentFirstCallsShareOneLoad() {
    releaseModel("dish_a", 1);
    Queue<Runnable> queued = new ArrayDeque<>();
    Executor manual = queued::add;
    ModelRegistry registry = build(builder().loader(loader).discover(ModelDiscovery.all()).loaderExecutor(manual));

    CompletableFuture<Model> first = registry.currentAsync("dish_a");
    CompletableFuture<Model> second = registry.currentAsync("dish_a");
    CompletableFuture<Model> third = registry.currentAsync("dish_a");
    assertThat(first).isNotDone();
    for (Runnable task; (task = queued.poll()) != null; ) {
      task.run();
    }

    assertThat(first.join()).isSameAs(second.join()).isSameAs(third.join());
    assertThat(loader.opened).hasSize(1);
    assertThat(registry.loadedModelsStats().misses()).isEqualTo(1);
    assertThat(registry.loadedModelsStats().hits()).isEqualTo(2);
  }

  @Test
  void aCountBoundEvictsClosesEachEvictedVersionOnceAndReloadsFromTheLocalCache() {
    for (int i = 0; i < 5; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = build(discovering(ModelDiscovery.all()).maximumModels(2));

    for (int i = 0; i < 5; i++) {
      assertThat(registry.current("dish_" + i).predict(two())).containsExactly((float) i);
    }

    assertThat(registry.loadedModelsStats().loaded()).isEqualTo(2);
    assertThat(registry.loadedModelsStats().evictions()).isEqualTo(3);
    List<RegistryEvent.Evicted> evicted = events.of(RegistryEvent.Evicted.class);
    assertThat(evicted).hasSize(3).allSatisfy(e -> assertThat(e.reason()).isEqualTo("size"));
    assertThat(loader.opened).hasSize(5);
    assertThat(loader.opened.stream().filter(p -> p.closes.get() == 1)).hasSize(3);
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes.get()).isLessThanOrEqualTo(1));
    assertThat(loader.usedAfterClose.get()).isZero();

    String again = evicted.get(0).model();
    events.all.clear();
    assertThat(registry.current(again).predict(two())).containsExactly(Float.parseFloat(again.substring(5)));
    assertThat(events.of(RegistryEvent.Loaded.class)).singleElement()
        .satisfies(e -> assertThat(e.bytesDownloaded()).as("from the local cache").isZero());
  }

  @Test
  void aWeightBoundKeepsTheTotalWeightWithinIt() {
    ModelLoader heavy = new ModelLoader() {
      @Override
      public String format() {
        return "counting";
      }

      @Override
      public Predictor load(ModelArtifacts artifacts) throws IOException {
        Predictor inner = loader.load(artifacts);
        return new Predictor() {
          @Override
          public float[] predict(float[] features) {
            return inner.predict(features);
          }

          @Override
          public OptionalLong memoryBytes() {
            return OptionalLong.of(300_000);
          }

          @Override
          public void close() {
            inner.close();
          }
        };
      }
    };
    for (int i = 0; i < 6; i++) {
      releaseModel("dish_" + i, i);
    }
    long bound = 1_000_000;
    ModelRegistry registry = build(builder().loader(heavy).discover(ModelDiscovery.all())
        .loaderExecutor(Runnable::run).maximumWeightBytes(bound));

    for (int i = 0; i < 6; i++) {
      registry.current("dish_" + i).predict(two());
      assertThat(registry.loadedModelsStats().weightBytes()).isLessThanOrEqualTo(bound);
    }

    assertThat(registry.loadedModelsStats().loaded()).isBetween(1L, 3L);
    assertThat(registry.loadedModelsStats().evictions()).isGreaterThanOrEqualTo(3);
    long open = loader.opened.stream().filter(p -> p.closes.get() == 0).count();
    assertThat(open).isEqualTo(registry.loadedModelsStats().loaded());
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes.get()).isLessThanOrEqualTo(1));
  }

  @Test
  void aPinnedModelIsNeverEvicted() {
    for (int i = 0; i < 4; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = build(discovering(ModelDiscovery.all()).maximumModels(1));
    registry.current("dish_0");
    registry.pin("dish_0", "v1");

    for (int i = 1; i < 4; i++) {
      registry.current("dish_" + i).predict(two());
    }

    assertThat(registry.models()).contains("dish_0");
    assertThat(loader.opened.get(0).closes.get()).isZero();
    assertThat(registry.current("dish_0").predict(two())).containsExactly(0f);
  }

  @Test
  void anEvictedModelIsClosedOnlyAfterTheLastCallOnItReturns() {
    releaseModel("dish_a", 1);
    releaseModel("dish_b", 2);
    ModelRegistry registry = build(discovering(ModelDiscovery.all()).maximumModels(1)
        .scheduler(scheduler).ticker(scheduler.ticker()));

    Lease lease = registry.current("dish_a").lease();
    registry.current("dish_b");
    registry.current("dish_b"); // frequency, so that W-TinyLFU keeps dish_b over dish_a
    scheduler.runDue();
    assertThat(events.of(RegistryEvent.Evicted.class)).singleElement()
        .satisfies(e -> assertThat(e.model()).isEqualTo("dish_a"));

    assertThat(lease.predict(two())).containsExactly(1f);
    assertThat(loader.opened.get(0).closes.get()).as("not closed under a running call").isZero();
    lease.close();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(loader.opened.get(0).closes.get()).isEqualTo(1);
    assertThat(events.of(RegistryEvent.Closed.class)).extracting(RegistryEvent.Closed::model).containsExactly("dish_a");
    assertThat(loader.usedAfterClose.get()).isZero();
  }

  @Test
  void anIdleModelExpiresAfterAccess() {
    releaseModel("dish_a", 1);
    releaseModel("dish_b", 2);
    ModelRegistry registry = build(builder().loader(loader).discover(ModelDiscovery.all())
        .loaderExecutor(Runnable::run).scheduler(scheduler).ticker(scheduler.ticker())
        .expireAfterAccess(Duration.ofMinutes(10)));
    registry.current("dish_a");
    scheduler.advance(Duration.ofMinutes(6));
    registry.current("dish_b");
    scheduler.advance(Duration.ofMinutes(6));

    registry.current("dish_b"); // any activity runs the cache's maintenance

    assertThat(registry.models()).containsExactly("dish_b");
    assertThat(events.of(RegistryEvent.Evicted.class)).singleElement()
        .satisfies(e -> assertThat(e).isEqualTo(new RegistryEvent.Evicted("dish_a", "expired")));
  }

  @Test
  void boundsWithoutDiscoveryAndSettingsGivenTwiceAreRefused() {
    assertThatThrownBy(() -> builder().maximumModels(3).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no discovery is set");
    assertThatThrownBy(() -> builder().discover(ModelDiscovery.all()).discover(ModelDiscovery.all()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("discover was already set");
    assertThatThrownBy(() -> builder().maximumWeightBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maximumWeightBytes must be >= 1 but was 0");
    assertThatThrownBy(() -> ModelDiscovery.prefix("_x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'_x'");
  }
}
