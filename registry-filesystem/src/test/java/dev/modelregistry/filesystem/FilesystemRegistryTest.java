package dev.modelregistry.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelregistry.ClasspathModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.PointerMove;
import dev.modelregistry.Publication;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.linear.LinearModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on a real folder: restarts, hand-written layouts, and publishers in other processes. */
class FilesystemRegistryTest {

  private static final String MODEL = "t20_win_predictor";
  private static final float[] ROW = {0.5f, 0.4f, 7.5f};

  @TempDir Path dir;

  private Path storeDir() {
    return dir.resolve("store");
  }

  private ModelRegistry.Builder builder() {
    return ModelRegistry.builder()
        .store(FilesystemModelStore.of(storeDir()))
        .fallback(ClasspathModelStore.of("bundled-models"))
        .cacheDirectory(dir.resolve("cache"))
        .polling(false)
        .model(MODEL);
  }

  private static Publication constant(float value) {
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, 3).toJson())
        .features(List.of("home_win_pct", "away_win_pct", "run_rate"))
        .build();
  }

  @Test
  void aRestartWithTheStoreFolderGoneServesTheCachedLastGoodVersionThenTheBundle() throws IOException {
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(storeDir()));
    publisher.publish(MODEL, constant(1));
    publisher.publish(MODEL, constant(2));
    publisher.promote(MODEL, "v2", null);
    try (ModelRegistry first = builder().build()) {
      assertThat(first.current(MODEL).predict(ROW)).containsExactly(2f);
    }

    deleteRecursively(storeDir());
    try (ModelRegistry second = builder().build()) {
      assertThat(second.current(MODEL).version()).isEqualTo("v2");
      assertThat(second.current(MODEL).source()).isEqualTo(ModelSource.CACHE);
      assertThat(second.current(MODEL).predict(ROW)).containsExactly(2f);
    }

    deleteRecursively(dir.resolve("cache"));
    try (ModelRegistry third = builder().build()) {
      assertThat(third.current(MODEL).version()).isEqualTo("v3");
      assertThat(third.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
      assertThat(third.current(MODEL).predict(ROW)).containsExactly(0.42f);
    }
  }

  @Test
  void aLayoutWrittenByHandLoadsUnchangedAndAnInPlaceEditOfThePointerIsSeen() throws IOException {
    Path model = Files.createDirectories(storeDir().resolve(MODEL));
    Files.createDirectories(model.resolve("v1"));
    Files.write(model.resolve("v1/model.json"), LinearModel.constant(1, 3).toJson());
    Files.writeString(model.resolve("v1/metrics.json"), "{\"accuracy\": 0.738, \"roc_auc\": 0.812}");
    Files.writeString(model.resolve("v1/schema.json"), "{\"features\": [\"home_win_pct\", \"away_win_pct\", \"run_rate\"]}");
    Files.writeString(model.resolve("latest.json"), "{\"version\": \"v1\", \"updated_at\": \"2025-01-29T14:05:32Z\"}");

    try (ModelRegistry registry = builder().build()) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      assertThat(registry.current(MODEL).metrics()).containsEntry("roc_auc", 0.812);

      Files.createDirectories(model.resolve("v2"));
      Files.write(model.resolve("v2/model.json"), LinearModel.constant(2, 3).toJson());
      Files.writeString(model.resolve("latest.json"), "{\"version\": \"v2\", \"updated_at\": \"2025-01-29T14:05:33Z\"}");
      registry.refresh();
      assertThat(registry.current(MODEL).predict(ROW)).containsExactly(2f);
    }
  }

  @Test
  void aPollingRegistryFollowsPromotionsAndRollbacksWithoutARestart() {
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(storeDir()));
    publisher.publish(MODEL, constant(1));
    publisher.promote(MODEL, "v1", null);
    try (ModelRegistry registry = ModelRegistry.builder()
        .store(FilesystemModelStore.of(storeDir()))
        .cacheDirectory(dir.resolve("cache"))
        .pollInterval(Duration.ofMillis(50))
        .model(MODEL)
        .build()) {
      publisher.publish(MODEL, constant(2));
      publisher.promote(MODEL, "v2", "retrained");
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.current(MODEL).predict(ROW)[0] == 2f);
      publisher.rollback(MODEL, "bad numbers");
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.current(MODEL).predict(ROW)[0] == 1f);
    }
  }

  @Test
  void publishersInSeparateProcessesNeverShareAVersionOrLoseAPointerMove() throws Exception {
    int processes = 3;
    int each = 8;
    List<Process> running = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      running.add(new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", System.getProperty("java.class.path"),
              PublishingProcess.class.getName(), storeDir().toString(), MODEL, Integer.toString(each), "p" + p)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("publisher-" + p + ".log").toFile())
          .start());
    }
    for (int p = 0; p < processes; p++) {
      assertThat(running.get(p).waitFor(2, TimeUnit.MINUTES)).isTrue();
      Path log = dir.resolve("publisher-" + p + ".log");
      assertThat(running.get(p).exitValue()).as(() -> readQuietly(log)).isZero();
    }

    ModelPublisher reader = ModelPublisher.on(FilesystemModelStore.of(storeDir()));
    List<VersionInfo> versions = reader.versions(MODEL);
    assertThat(versions).hasSize(processes * each);
    assertThat(versions).allMatch(v -> v.state() == VersionInfo.State.COMPLETE);
    Set<String> publishers = new HashSet<>();
    for (VersionInfo v : versions) {
      publishers.add((String) v.manifest().training().get("publisher"));
    }
    assertThat(publishers).hasSize(processes);

    List<PointerMove> history = reader.history(MODEL);
    assertThat(history).hasSize(processes * each);
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).sequence()).isEqualTo(i + 1);
      assertThat(history.get(i).from()).isEqualTo(history.get(i - 1).to());
    }
    assertThat(reader.pointer(MODEL).orElseThrow().version()).isEqualTo(history.get(history.size() - 1).to());
  }

  /** Publishes and promotes versions into a folder; run in its own JVM by the test above. */
  public static final class PublishingProcess {
    public static void main(String[] args) {
      Path root = Path.of(args[0]);
      String model = args[1];
      int count = Integer.parseInt(args[2]);
      ModelPublisher publisher = ModelPublisher.builder(FilesystemModelStore.of(root)).publishedBy(args[3]).build();
      for (int i = 0; i < count; i++) {
        VersionId v = publisher.publish(model, Publication.builder()
            .file("model.json", LinearModel.constant(i, 3).toJson())
            .training(java.util.Map.of("publisher", args[3]))
            .build()).version();
        publisher.promote(model, v.value(), args[3]);
      }
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
