package dev.modelregistry.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.testkit.Refusals;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile files in the store folder: a registry serves v1, the pointer moves to a v2 holding one hostile
 * thing, and the registry refuses it quickly, with a message naming the file, while v1 keeps serving.
 */
class FilesystemHostileFilesTest {

  private static final String MODEL = "t20_win_predictor";
  private static final float[] ROW = {0.5f, 0.4f, 7.5f};
  private static final List<String> FEATURES = List.of("home_win_pct", "away_win_pct", "run_rate");
  private static final long TWO_GIB = 2L * 1024 * 1024 * 1024;

  @TempDir Path dir;
  Path root;
  Path outside;

  @BeforeEach
  void setUp() throws IOException {
    root = dir.resolve("store");
    outside = Files.createDirectories(dir.resolve("outside"));
    ModelPublisher publisher = ModelPublisher.on(FilesystemModelStore.of(root));
    publisher.publish(MODEL, constant(1));
    publisher.promote(MODEL, "v1", null);
  }

  /** What one case puts into the store folder, given the test. */
  @FunctionalInterface
  interface Setup {
    void apply(FilesystemHostileFilesTest t) throws Exception;
  }

  /**
   * One hostile thing.
   *
   * @param name what it is
   * @param setup puts it into the folder and moves the pointer
   * @param store limits of the store for this case
   * @param expected what the reported failure must say (paths relative to the store root are prefixed)
   */
  record Case(String name, Setup setup, UnaryOperator<FilesystemModelStore.Builder> store, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> hostileFiles() {
    UnaryOperator<FilesystemModelStore.Builder> defaults = b -> b;
    return Stream.of(
        new Case("a link to a file outside the root, in a version without manifest", t -> {
          Files.write(t.outside.resolve("model.json"), LinearModel.constant(2, 3).toJson());
          Path v2 = t.scriptVersion();
          Files.createSymbolicLink(v2.resolve("model.json"), t.outside.resolve("model.json"));
          t.pointTo("v2");
        }, defaults, List.of("'model.json' in {root}/t20_win_predictor/v2/ is a link to {outside}/model.json,"
            + " outside the store root")),

        new Case("a link to a file outside the root, named by the manifest", t -> {
          Path v2 = t.publishV2();
          Files.move(v2.resolve("model.json"), t.outside.resolve("model.json"));
          Files.createSymbolicLink(v2.resolve("model.json"), t.outside.resolve("model.json"));
          t.pointTo("v2");
        }, defaults, List.of("{root}/t20_win_predictor/v2/model.json leads to {outside}/model.json through a"
            + " symbolic link, outside the store root")),

        new Case("v2 as a link to a folder outside the root", t -> {
          Path elsewhere = t.dir.resolve("elsewhere");
          ModelPublisher.on(FilesystemModelStore.of(elsewhere)).publish(MODEL, constant(1));
          ModelPublisher.on(FilesystemModelStore.of(elsewhere)).publish(MODEL, constant(2));
          Files.createSymbolicLink(t.root.resolve(MODEL + "/v2"), elsewhere.resolve(MODEL + "/v2"));
          t.pointTo("v2");
        }, defaults, List.of("{root}/t20_win_predictor/v2/manifest.json leads to {dir}/elsewhere/"
            + "t20_win_predictor/v2/manifest.json through a symbolic link, outside the store root")),

        new Case("a named pipe as the model file of a version without manifest", t -> {
          Path v2 = t.scriptVersion();
          mkfifo(v2.resolve("model.json"));
          t.pointTo("v2");
        }, defaults, List.of("'model.json' in {root}/t20_win_predictor/v2/ is a named pipe (FIFO), not a regular"
            + " file")),

        new Case("a manifest entry naming a named pipe", t -> {
          Path v2 = t.publishV2();
          Files.delete(v2.resolve("model.json"));
          mkfifo(v2.resolve("model.json"));
          t.pointTo("v2");
        }, defaults, List.of("{root}/t20_win_predictor/v2/model.json is a named pipe (FIFO), not a regular file")),

        new Case("a link to /dev/zero with a huge size in the manifest", t -> {
          assumeThat(Path.of("/dev/zero")).exists();
          Path v2 = t.publishV2();
          String manifest = Files.readString(v2.resolve("manifest.json"));
          Files.writeString(v2.resolve("manifest.json"),
              manifest.replaceFirst("\"size\" : \\d+", "\"size\" : 1000000000000000"));
          Files.delete(v2.resolve("model.json"));
          Files.createSymbolicLink(v2.resolve("model.json"), Path.of("/dev/zero"));
          t.pointTo("v2");
        }, defaults, List.of("{root}/t20_win_predictor/v2/model.json leads to /dev/zero through a symbolic link,"
            + " outside the store root")),

        new Case("a sparse 2 GiB file where the manifest says a few bytes", t -> {
          Path v2 = t.publishV2();
          sparse(v2.resolve("model.json"), TWO_GIB);
          t.pointTo("v2");
        }, defaults, List.of("manifest.json lists model.json with", "bytes but {root}/t20_win_predictor/v2/model.json"
            + " is larger")),

        new Case("a sparse 2 GiB file in a version without manifest, over maxArtifactSize", t -> {
          Path v2 = t.scriptVersion();
          Files.write(v2.resolve("model.json"), LinearModel.constant(2, 3).toJson());
          sparse(v2.resolve("weights.bin"), TWO_GIB);
          t.pointTo("v2");
        }, b -> b.maxArtifactSize(1024 * 1024 * 1024), List.of("{root}/t20_win_predictor/v2/weights.bin is"
            + " 2147483648 bytes, more than the 1073741824 bytes this store hands out (maxArtifactSize)")),

        new Case("a pointer larger than maxReadSize", t -> {
          sparse(t.root.resolve(MODEL + "/latest.json"), FilesystemModelStore.DEFAULT_MAX_READ_SIZE + 1);
        }, defaults, List.of("{root}/t20_win_predictor/latest.json is 16777217 bytes, more than the 16777216 bytes"
            + " this store reads whole (maxReadSize)")),

        new Case("a pointer that is a named pipe", t -> {
          Path pointer = t.root.resolve(MODEL + "/latest.json");
          Files.delete(pointer);
          mkfifo(pointer);
        }, defaults, List.of("{root}/t20_win_predictor/latest.json is a named pipe (FIFO), not a regular file")),

        new Case("a pointer that is a folder", t -> {
          Path pointer = t.root.resolve(MODEL + "/latest.json");
          Files.delete(pointer);
          Files.createDirectories(pointer.resolve("v2"));
        }, defaults, List.of("{root}/t20_win_predictor/latest.json is a folder, not a file")),

        new Case("a pointer that is a link out of the root", t -> {
          Files.writeString(t.outside.resolve("latest.json"), "{\"version\": \"v2\"}");
          Path pointer = t.root.resolve(MODEL + "/latest.json");
          Files.delete(pointer);
          Files.createSymbolicLink(pointer, t.outside.resolve("latest.json"));
          t.publishV2();
        }, defaults, List.of("{root}/t20_win_predictor/latest.json leads to {outside}/latest.json through a"
            + " symbolic link, outside the store root")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileFiles")
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void isRefusedQuicklyWhileV1KeepsServing(Case hostile) throws Exception {
    try (ModelRegistry registry = registry(hostile.store().apply(FilesystemModelStore.builder(root)).build())) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");

      hostile.setup().apply(this);

      String failure = Refusals.refreshAndKeepServing(registry, MODEL, "v1", ROW, 1f);
      for (String expected : hostile.expected()) {
        assertThat(failure).contains(expected
            .replace("{root}", root.toRealPath().toString())
            .replace("{outside}", outside.toRealPath().toString())
            .replace("{dir}", dir.toRealPath().toString()));
      }
    }
  }

  // ------------------------------------------------------------------ links inside the root

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aLinkInsideTheRootIsFollowedEvenToAnotherModelsFile() throws IOException {
    ModelPublisher.on(FilesystemModelStore.of(root)).publish("odi_win_predictor", constant(2));
    try (ModelRegistry registry = registry(FilesystemModelStore.of(root))) {
      Path v2 = scriptVersion();
      Files.createSymbolicLink(v2.resolve("model.json"), Path.of("../../odi_win_predictor/v1/model.json"));
      pointTo("v2");
      registry.refresh();
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
      assertThat(registry.current(MODEL).predict(ROW)).containsExactly(2f);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aPointerMountedAsAConfigMapIsFollowed() throws IOException {
    // A Kubernetes ConfigMap volume: latest.json -> ..data/latest.json, ..data -> ..2026_11_30_07_00_00.1/
    ModelPublisher.on(FilesystemModelStore.of(root)).publish(MODEL, constant(2));
    Path model = root.resolve(MODEL);
    Path timestamped = Files.createDirectories(model.resolve("..2026_11_30_07_00_00.1"));
    Files.writeString(timestamped.resolve("latest.json"), "{\"version\": \"v1\"}");
    Files.createSymbolicLink(model.resolve("..data"), Path.of("..2026_11_30_07_00_00.1"));
    Files.delete(model.resolve("latest.json"));
    Files.createSymbolicLink(model.resolve("latest.json"), Path.of("..data/latest.json"));
    try (ModelRegistry registry = registry(FilesystemModelStore.of(root))) {
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      Files.writeString(timestamped.resolve("latest.json"), "{\"version\": \"v2\"}");
      registry.refresh();
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    }
  }

  // ------------------------------------------------------------------ the store's own answers

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void listingNamesWhatItRefusesAndNeverListsIt() throws Exception {
    Path v9 = Files.createDirectories(root.resolve(MODEL + "/v9"));
    Files.writeString(v9.resolve("model.json"), "{}");
    Files.writeString(outside.resolve("secret.json"), "{}");
    Files.createSymbolicLink(v9.resolve("secret.json"), outside.resolve("secret.json"));
    Files.createSymbolicLink(v9.resolve("nothing.json"), v9.resolve("absent.json"));
    Files.createSymbolicLink(v9.resolve("sub"), outside);
    mkfifo(v9.resolve("pipe.bin"));

    Listing listing = FilesystemModelStore.of(root).list(MODEL + "/v9");

    assertThat(listing.objects()).extracting(Listing.Entry::name).containsExactly("model.json");
    assertThat(listing.folders()).isEmpty();
    assertThat(listing.refused()).containsOnlyKeys("secret.json", "nothing.json", "sub", "pipe.bin");
    assertThat(listing.refused().get("pipe.bin")).isEqualTo("a named pipe (FIFO), not a regular file");
    assertThat(listing.objects().get(0).tag()).isPresent();
  }

  @Test
  void nothingIsWrittenThroughAFolderThatLeadsOutOfTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    FilesystemModelStore store = FilesystemModelStore.of(root);
    assertThatThrownBy(() -> store.create("escape/v1/.claim.json", "{}".getBytes(UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("outside the store root");
    assertThatThrownBy(() -> store.replace("escape/latest.json", "{}".getBytes(UTF_8), null))
        .hasMessageContaining("nothing was written");
    try (Stream<Path> written = Files.list(outside)) {
      assertThat(written).isEmpty();
    }
  }

  @Test
  void limitsAreValidatedWithTheBadValueAndGivenOnce() {
    assertThatThrownBy(() -> FilesystemModelStore.builder(root).maxReadSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 0");
    assertThatThrownBy(() -> FilesystemModelStore.builder(root).maxArtifactSize(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was -5");
    assertThatThrownBy(() -> FilesystemModelStore.builder(root).maxReadSize(10).maxReadSize(20))
        .isInstanceOf(IllegalStateException.class).hasMessage("maxReadSize was already set to 10");
    FilesystemModelStore store = FilesystemModelStore.builder(root).maxReadSize(1000).maxArtifactSize(5000).build();
    assertThat(store.maxReadSize()).isEqualTo(1000);
    assertThat(store.maxArtifactSize()).isEqualTo(5000);
    assertThat(FilesystemModelStore.of(root).maxReadSize()).isEqualTo(16 * 1024 * 1024);
  }

  // ------------------------------------------------------------------ helpers

  private ModelRegistry registry(FilesystemModelStore store) {
    return ModelRegistry.builder()
        .store(store)
        .cacheDirectory(dir.resolve("cache"))
        .polling(false)
        .model(MODEL)
        .build();
  }

  private static Publication constant(float value) {
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, 3).toJson())
        .features(FEATURES)
        .build();
  }

  /** Publishes v2 (output 2) with a manifest, and returns its folder. */
  private Path publishV2() {
    ModelPublisher.on(FilesystemModelStore.of(root)).publish(MODEL, constant(2));
    return root.resolve(MODEL + "/v2");
  }

  /** A v2 folder as a script writes it: a schema, no manifest. */
  private Path scriptVersion() throws IOException {
    Path v2 = Files.createDirectories(root.resolve(MODEL + "/v2"));
    Files.writeString(v2.resolve("schema.json"), "{\"features\": [\"home_win_pct\", \"away_win_pct\", \"run_rate\"]}");
    return v2;
  }

  private void pointTo(String version) throws IOException {
    Files.writeString(root.resolve(MODEL + "/latest.json"), "{\"version\": \"" + version + "\"}");
  }

  private static void sparse(Path file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
  }

  /** Makes a named pipe, or skips the test where {@code mkfifo} is not available. */
  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeThat(false).as("mkfifo is not available: " + e.getMessage()).isTrue();
      return;
    }
    assumeThat(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0)
        .as("mkfifo " + path + " failed").isTrue();
  }
}
