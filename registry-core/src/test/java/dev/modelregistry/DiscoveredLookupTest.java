package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.internal.DiscoveredAccess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The read path of a loaded discovered model: a map read that tells Caffeine of hits on a sample, kept in step
 * with Caffeine's evictions, without breaking idle expiry, W-TinyLFU or the stats.
 */
class DiscoveredLookupTest extends RegistryHarness {

  private static final float[] TWO = {1, 2};

  final CountingLoader loader = new CountingLoader();

  private void releaseModel(String model, float value) {
    publisher.promote(model, publisher.publish(model, CountingLoader.version(value)).version().value(), null);
  }

  /** Discovery on manual time, loads on the calling thread, idle expiry after {@code idle}. */
  private ModelRegistry expiring(Duration idle) {
    return build(builder().loader(loader).discover(ModelDiscovery.all()).loaderExecutor(Runnable::run)
        .scheduler(scheduler).ticker(scheduler.ticker()).expireAfterAccess(idle));
  }

  @Test
  void aLookupAfterAnEvictionHasCompletedLoadsTheModelAgain() {
    releaseModel("dish_a", 1);
    ModelRegistry registry = expiring(Duration.ofMinutes(10));
    Model before = registry.current("dish_a");
    for (int i = 0; i < 100; i++) {
      assertThat(registry.current("dish_a")).isSameAs(before); // the read path
    }

    scheduler.advance(Duration.ofMinutes(11)); // idle: expires, and the removal listener runs
    assertThat(events.of(RegistryEvent.Evicted.class)).containsExactly(new RegistryEvent.Evicted("dish_a", "expired"));
    assertThat(loader.opened.get(0).closes.get()).isEqualTo(1);

    Model after = registry.current("dish_a");

    assertThat(after).isNotSameAs(before);
    assertThat(loader.opened).hasSize(2);
    assertThat(after.predict(TWO)).containsExactly(1f);
    assertThat(before.predict(TWO)).as("a kept handle follows the eviction").containsExactly(1f);
    assertThat(loader.opened).hasSize(2);
    assertThat(loader.usedAfterClose.get()).isZero();
  }

  @Test
  void readersRacingEvictionsGetWorkingModelsAndTheReadPathEndsInStepWithTheCache() throws Exception {
    int models = 24;
    for (int i = 0; i < models; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = build(builder().loader(loader).discover(ModelDiscovery.all()).maximumModels(4)
        .loaderThreads(2));
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    together(4, thread -> {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < 3_000; i++) {
        // a few hot names, read on the read path, and a tail that keeps the bound evicting
        int model = random.nextInt(4) == 0 ? random.nextInt(models) : random.nextInt(3);
        try {
          float[] out = registry.current("dish_" + model).predict(TWO);
          if (out[0] != model) {
            failures.add(new AssertionError("dish_" + model + " answered " + out[0]));
          }
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    });

    assertThat(failures).isEmpty();
    assertThat(registry.loadedModelsStats().evictions()).isPositive();
    assertThat(loader.usedAfterClose.get()).isZero();
    assertThat(loader.opened).allSatisfy(p -> assertThat(p.closes.get()).isLessThanOrEqualTo(1));
    // Quiet now, once every removal listener has run: a name the cache holds is served without a load, and
    // every other one loads (no stale entry on the read path serves it).
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).until(
        () -> events.of(RegistryEvent.Evicted.class).size() == registry.loadedModelsStats().evictions());
    List<String> loaded = List.copyOf(registry.models());
    int opened = loader.opened.size();
    for (String name : loaded) {
      assertThat(registry.current(name).predict(TWO)).containsExactly(Float.parseFloat(name.substring(5)));
    }
    assertThat(loader.opened).as("the loaded models are served as they are").hasSize(opened);
    for (int i = 0; i < models; i++) {
      String name = "dish_" + i;
      if (!loaded.contains(name)) {
        int before = loader.opened.size();
        assertThat(registry.current(name).predict(TWO)).containsExactly((float) i);
        assertThat(loader.opened).as(name + " was evicted: it loads again").hasSize(before + 1);
      }
    }
  }

  @Test
  void aModelUsedOnlyThroughTheReadPathDoesNotExpire() {
    releaseModel("dish_a", 1);
    releaseModel("dish_b", 2);
    ModelRegistry registry = expiring(Duration.ofMinutes(10));
    for (int i = 0; i <= DISCOVERED_EXACT_HITS; i++) { // a load, then the hits counted one by one
      registry.current("dish_a");
      registry.current("dish_b");
    }

    // Two hours of one call of dish_a and about 15 of dish_b a minute, on one thread, arranged so that every
    // hit Caffeine is told of as a sample is one of dish_b's: only the idle check tells it dish_a is in use.
    int count = 0; // the thread's hits past the exact ones, which decide the samples
    for (int minute = 0; minute < 120; minute++) {
      scheduler.advance(Duration.ofMinutes(1));
      while (DiscoveredAccess.sampled(count + 1)) {
        registry.current("dish_b");
        count++;
      }
      assertThat(registry.current("dish_a").predict(TWO)).containsExactly(1f);
      count++;
      for (int i = 0; i < 15; i++) {
        registry.current("dish_b");
        count++;
      }
    }

    assertThat(events.of(RegistryEvent.Evicted.class)).isEmpty();
    assertThat(loader.opened).hasSize(2);

    scheduler.advance(Duration.ofMinutes(9)); // less than the idle time less a sixteenth of it: kept
    assertThat(events.of(RegistryEvent.Evicted.class)).isEmpty();
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(events.of(RegistryEvent.Evicted.class)).containsExactlyInAnyOrder(
        new RegistryEvent.Evicted("dish_a", "expired"), new RegistryEvent.Evicted("dish_b", "expired"));
    assertThat(registry.models()).isEmpty();
  }

  @Test
  void sampledHitsStillLetAHotModelSurviveAScanOfColdNames() {
    releaseModel("dish_hot", 1000);
    int cold = 200;
    for (int i = 0; i < cold; i++) {
      releaseModel("dish_cold_" + i, i);
    }
    ModelRegistry registry = build(builder().loader(loader).discover(ModelDiscovery.all()).maximumModels(10)
        .loaderExecutor(Runnable::run));
    for (int i = 0; i < 200; i++) {
      registry.current("dish_hot").predict(TWO);
    }

    for (int i = 0; i < cold; i++) {
      registry.current("dish_cold_" + i).predict(TWO); // each asked for once: a scan
      for (int j = 0; j < 16; j++) {
        registry.current("dish_hot").predict(TWO); // on the read path: Caffeine hears of one of these 16
      }
    }

    assertThat(events.of(RegistryEvent.Evicted.class)).hasSizeGreaterThanOrEqualTo(cold - 10)
        .noneSatisfy(e -> assertThat(e.model()).isEqualTo("dish_hot"));
    assertThat(loader.opened.stream().filter(p -> p.value == 1000f)).as("dish_hot loaded once").hasSize(1);
    assertThat(registry.models()).contains("dish_hot");
  }

  @Test
  void hitsAreCountedOneByOneThenOnASample() throws Exception {
    releaseModel("dish_a", 1);
    ModelRegistry registry = build(builder().loader(loader).discover(ModelDiscovery.all())
        .loaderExecutor(Runnable::run));
    registry.current("dish_a");
    for (int i = 0; i < DISCOVERED_EXACT_HITS; i++) {
      registry.current("dish_a");
    }
    assertThat(registry.loadedModelsStats().hits()).isEqualTo(DISCOVERED_EXACT_HITS);

    int threads = 4;
    int perThread = 40_000;
    together(threads, thread -> {
      for (int i = 0; i < perThread; i++) {
        registry.current("dish_a");
      }
    });

    LoadedModelsStats stats = registry.loadedModelsStats();
    long calls = (long) threads * perThread;
    // one call in 16 of each thread counts 16: within a few calls of exact over 40,000 a thread
    assertThat(stats.hits() - DISCOVERED_EXACT_HITS).isBetween(calls - calls / 100, calls + calls / 100);
    assertThat(stats.hits() % 16).isZero();
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.loads()).isEqualTo(1);
    assertThat(stats.hitRate()).isGreaterThan(0.99);
  }

  @Test
  void aThreadCyclingThroughModelsHasEveryOneSampled() {
    // The samples are picked by a hash of the thread's count: in any cycle of models, each position gets its
    // share, where "every 16th call" would give a cycle of 2, 4, 8 or 16 models all to one of them.
    for (int cycle : new int[] {2, 3, 4, 8, 16}) {
      int[] sampled = new int[cycle];
      int calls = 16_000 * cycle;
      for (int count = 1; count <= calls; count++) {
        if (DiscoveredAccess.sampled(count)) {
          sampled[count % cycle]++;
        }
      }
      for (int position = 0; position < cycle; position++) {
        assertThat(sampled[position]).as("cycle of %d, position %d", cycle, position).isBetween(950, 1050);
      }
    }
  }

  /** How many hits of a freshly loaded model are counted one by one. */
  private static final int DISCOVERED_EXACT_HITS = 16;
}
