package dev.modelregistry.examples.quickstart;

import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;
import dev.modelregistry.PublishException;
import dev.modelregistry.Publication;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.filesystem.FilesystemModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The five-minute tour, as one program: a training job trains an XGBoost model and publishes it to a folder, a service serves it
 * from four threads, and while they predict the job publishes a better version, rolls it back, and
 * publishes a corrupt one, which is refused, then moves the pointer back off it. At the end: how many
 * predictions, how many failed (none), which versions served them; the store is left serving v1.
 */
public final class Quickstart {

  static final String MODEL = "t20_win_predictor";
  private static final int THREADS = 4;

  private Quickstart() {}

  /** Runs the tour in {@code <this jar's folder>/quickstart-demo} and exits non-zero if anything failed. */
  public static void main(String[] args) throws Exception {
    Summary summary = run(workFolder(), Duration.ofMillis(500));
    System.exit(summary.ok() ? 0 : 1);
  }

  /** What a run saw, and what the store's pointer names at the end. */
  record Summary(long predictions, long failed, Map<String, Long> versionsSeen, List<String> swaps,
      List<String> rejected, String pointerAtEnd, Duration elapsed) {
    boolean ok() {
      return failed == 0 && versionsSeen.keySet().containsAll(List.of("v1", "v2")) && rejected.contains("v3")
          && !versionsSeen.containsKey("v3") && !pointerAtEnd.equals("v3");
    }
  }

  static Summary run(Path work, Duration pollInterval) throws Exception {
    long start = System.nanoTime();
    Path storeFolder = work.resolve("store");
    Path cacheFolder = work.resolve("cache");
    deleteRecursively(work);

    // --- The training job: train, publish, promote. In real life a batch job, in Python or Java.
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(storeFolder));
    ChaseModel.Trained first = ChaseModel.train(300, 5, 1);
    VersionInfo v1 = publisher.publish(MODEL, publication(first));
    publisher.promote(MODEL, v1.version().value(), "first model");
    step("1", "trained XGBoost %s (%d trees) on %d simulated chases (holdout accuracy %.3f), published it to %s"
        + " and promoted it", v1.version(), first.trees(), first.rows(), first.accuracy(), storeFolder);

    // --- The service: a registry on the same folder, polling every 500 ms.
    List<String> swaps = new CopyOnWriteArrayList<>();
    List<String> rejected = new CopyOnWriteArrayList<>();
    RegistryListener listener = new RegistryListener() {
      @Override
      public void onSwapped(RegistryEvent.Swapped event) {
        if (event.previousVersion() != null) {
          swaps.add(event.previousVersion() + " -> " + event.version());
        }
      }

      @Override
      public void onLoadFailed(RegistryEvent.LoadFailed event) {
        if (event.version() != null && !rejected.contains(event.version())) {
          rejected.add(event.version());
        }
      }
    };
    try (ModelRegistry registry = ModelRegistry.builder()
        .store(FilesystemModelStore.of(storeFolder))
        .cacheDirectory(cacheFolder)
        .pollInterval(pollInterval)
        .captureLeaseStacks(false)
        .listener(listener)
        .model(MODEL)
        .build()) {
      Model model = registry.current(MODEL);
      step("2", "registry started: serving %s %s from the %s", MODEL, model.version(),
          model.source().name().toLowerCase(Locale.ROOT));
      float chance = model.predict(Map.of("runs_needed", 45, "balls_left", 30, "wickets_left", 6,
          "current_run_rate", 8.1, "required_run_rate", 9.0))[0];
      step("", "45 needed off 30 balls with 6 wickets in hand: the chasing side wins with p = %.2f", chance);

      Workers workers = new Workers(model);
      workers.start();
      step("3", "%d threads predicting", THREADS);
      Thread.sleep(500);

      ChaseModel.Trained second = ChaseModel.train(6000, 60, 2);
      VersionInfo v2 = publisher.publish(MODEL, publication(second));
      publisher.promote(MODEL, v2.version().value(), "retrained on more data");
      Duration took = awaitServing(registry, v2.version().value());
      step("4", "trained %s (%d trees) on %d chases (accuracy %.3f), promoted it: served %d ms later (poll interval"
          + " %d ms)", v2.version(), second.trees(), second.rows(), second.accuracy(), took.toMillis(),
          pollInterval.toMillis());
      Thread.sleep(500);

      publisher.rollback(MODEL, "demo: roll back");
      took = awaitServing(registry, "v1");
      step("5", "rolled back: v1 served again %d ms later", took.toMillis());
      Thread.sleep(300);

      VersionInfo v3 = publisher.publish(MODEL, publication(second));
      corrupt(storeFolder.resolve(MODEL).resolve(v3.version().value()).resolve("model.ubj"));
      try {
        publisher.promote(MODEL, v3.version().value(), "demo: a corrupted upload");
      } catch (PublishException refused) {
        step("6", "published %s with a corrupted model.ubj: the publisher verified it and refused to promote it%n"
            + "      %s", v3.version(), refused.getMessage());
      }

      // A script that writes latest.json itself skips that check; every registry checks again before serving.
      java.nio.file.Files.writeString(storeFolder.resolve(MODEL).resolve("latest.json"),
          "{\"version\": \"" + v3.version().value() + "\"}");
      ModelStatus status = await(registry, s -> s.lastFailure() != null && v3.version().value().equals(s.lastFailure().version()));
      step("7", "a script pointed latest.json at %s anyway: the registry refused it, %s keeps serving%n      %s",
          v3.version(), status.version(), status.lastFailure().message());
      Thread.sleep(500);

      // Leave the store as a user can keep playing with it: the pointer on a version that serves.
      String kept = publisher.promote(MODEL, "v1", "demo: undo the script's pointer").version().value();
      registry.refresh();
      step("8", "promoted %s again; the store keeps v1, v2 and the corrupt v3 to explore", kept);

      workers.stop();
      Summary summary = new Summary(workers.predictions.sum(), workers.failures.sum(), workers.seen(), swaps,
          rejected, publisher.pointer(MODEL).orElseThrow().version().value(),
          Duration.ofNanos(System.nanoTime() - start));
      print(summary);
      return summary;
    }
  }

  private static Publication publication(ChaseModel.Trained trained) {
    return Publication.builder()
        .file("model.ubj", trained.model())
        .features(ChaseModel.FEATURES)
        .metrics(Map.of("accuracy", trained.accuracy(), "log_loss", trained.logLoss()))
        .training(Map.of("rows", trained.rows(), "trees", trained.trees(), "trainer", "quickstart"))
        .build();
  }

  /** Threads that predict as fast as they can, each call under a lease so it knows which version answered. */
  private static final class Workers {
    final LongAdder predictions = new LongAdder();
    final LongAdder failures = new LongAdder();
    final Map<String, LongAdder> byVersion = new ConcurrentHashMap<>();
    private final Model model;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Workers(Model model) {
      this.model = model;
    }

    void start() {
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(t);
        Thread thread = new Thread(() -> {
          while (running.get()) {
            float[] chase = ChaseModel.randomChase(random);
            try (Lease lease = model.lease()) {
              lease.predict(chase);
              byVersion.computeIfAbsent(lease.version(), v -> new LongAdder()).increment();
            } catch (RuntimeException e) {
              failures.increment();
            }
            predictions.increment();
          }
        }, "predictor-" + t);
        thread.start();
        threads.add(thread);
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join();
      }
    }

    Map<String, Long> seen() {
      Map<String, Long> seen = new TreeMap<>();
      byVersion.forEach((version, count) -> seen.put(version, count.sum()));
      return seen;
    }
  }

  private static Duration awaitServing(ModelRegistry registry, String version) throws InterruptedException {
    long start = System.nanoTime();
    await(registry, s -> version.equals(s.version()));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static ModelStatus await(ModelRegistry registry, Predicate<ModelStatus> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      ModelStatus status = registry.status(MODEL);
      if (condition.test(status)) {
        return status;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("timed out; model status: " + registry.status(MODEL));
  }

  /** Flips one byte in the middle of a file, as a broken upload or a bad disk would. */
  private static void corrupt(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
  }

  private static void print(Summary s) {
    System.out.println();
    System.out.println("Summary");
    System.out.printf(Locale.ROOT, "  predictions served : %,d%n", s.predictions());
    System.out.printf(Locale.ROOT, "  failed             : %d%n", s.failed());
    System.out.printf(Locale.ROOT, "  versions seen      : %s%n", s.versionsSeen());
    System.out.printf(Locale.ROOT, "  swaps              : %d (%s)%n", s.swaps().size(), String.join(", ", s.swaps()));
    System.out.printf(Locale.ROOT, "  versions refused   : %s%n", s.rejected());
    System.out.printf(Locale.ROOT, "  pointer at the end : %s%n", s.pointerAtEnd());
    System.out.printf(Locale.ROOT, "  took               : %.1f s%n", s.elapsed().toMillis() / 1000.0);
    System.out.println(s.ok() ? "OK" : "FAILED");
  }

  private static void step(String number, String format, Object... args) {
    System.out.printf(Locale.ROOT, "%-5s " + format + "%n", prepend(number.isEmpty() ? "" : "[" + number + "]", args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static Path workFolder() {
    try {
      Path jar = Path.of(Quickstart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent().resolve("quickstart-demo");
    } catch (Exception e) {
      return Path.of("target", "quickstart-demo");
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
