package dev.modelregistry;

import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** An in-memory store behind a fault switch, a publisher on it, and registries that are closed after each test. */
abstract class RegistryHarness {

  static final String MODEL = "t20_win_predictor";

  @TempDir Path dir;
  InMemoryModelStore memory;
  FaultyStore store;
  ModelPublisher publisher;
  final List<ModelRegistry> registries = new ArrayList<>();
  final RecordingListener events = new RecordingListener();

  @BeforeEach
  void setUpStore() {
    memory = new InMemoryModelStore();
    store = new FaultyStore(memory);
    publisher = ModelPublisher.on(memory);
  }

  @AfterEach
  void closeRegistries() {
    registries.forEach(ModelRegistry::close);
  }

  /** A builder on the store, with a cache in the test folder, polling off, and the recording listener. */
  ModelRegistry.Builder builder() {
    return ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve("cache"))
        .polling(false)
        .listener(events);
  }

  ModelRegistry build(ModelRegistry.Builder builder) {
    ModelRegistry registry = builder.build();
    registries.add(registry);
    return registry;
  }

  ModelRegistry start() {
    return build(builder().model(MODEL));
  }

  /** Publishes and promotes a linear model whose output is always {@code value}; returns its version id. */
  String release(float value) {
    String version = publish(value);
    publisher.promote(MODEL, version, null);
    return version;
  }

  String publish(float value) {
    return publisher.publish(MODEL, constant(value)).version().value();
  }

  static Publication constant(float value) {
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, 3).toJson())
        .features(List.of("home_win_pct", "away_win_pct", "run_rate"))
        .metrics(java.util.Map.of("accuracy", 0.5 + value / 100.0))
        .build();
  }

  static float[] row() {
    return new float[] {0.5f, 0.4f, 7.5f};
  }

  /** Records every event. */
  static final class RecordingListener implements RegistryListener {
    final List<RegistryEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(RegistryEvent event) {
      all.add(event);
    }

    <T extends RegistryEvent> List<T> of(Class<T> type) {
      return all.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  /** A builder that polls in the background, every {@code interval}, without jitter. */
  ModelRegistry.Builder polling(Duration interval, Duration maxBackoff) {
    return ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve("cache"))
        .pollInterval(interval)
        .pollJitter(0)
        .maxBackoff(maxBackoff)
        .listener(events);
  }

  /**
   * A builder on manual time: polls every {@code interval} without jitter, on {@link #scheduler}, and reads
   * and loads on the thread that advances it, so a test moves time in exact steps and sees the result at once.
   */
  ModelRegistry.Builder manual(Duration interval, Duration maxBackoff) {
    return polling(interval, maxBackoff)
        .ticker(scheduler.ticker())
        .scheduler(scheduler)
        .loaderExecutor(Runnable::run);
  }

  final dev.modelregistry.testing.ManualScheduler scheduler = new dev.modelregistry.testing.ManualScheduler();

  /** A loader of {@code format} whose every version is the predictor {@code factory} makes. */
  static ModelLoader loader(String format, Supplier<Predictor> factory) {
    return new ModelLoader() {
      @Override
      public String format() {
        return format;
      }

      @Override
      public Predictor load(ModelArtifacts artifacts) {
        return factory.get();
      }
    };
  }


  /** A task one of several threads runs; {@code thread} is its number. */
  @FunctionalInterface
  interface ThreadTask {
    void run(int thread) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads released together, and waits up to a minute for them all;
   * rethrows the first failure.
   */
  static void together(int threads, ThreadTask task) throws Exception {
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        running.add(pool.submit(() -> {
          go.await();
          task.run(thread);
          return null;
        }));
      }
      go.countDown();
      for (java.util.concurrent.Future<?> each : running) {
        each.get(1, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
