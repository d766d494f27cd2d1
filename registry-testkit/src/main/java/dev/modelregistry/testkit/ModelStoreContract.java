package dev.modelregistry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.Names;
import dev.modelregistry.Pointer;
import dev.modelregistry.PointerMove;
import dev.modelregistry.Publication;
import dev.modelregistry.PruneReport;
import dev.modelregistry.PublishException;
import dev.modelregistry.Retention;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.WritableModelStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link WritableModelStore} must have, as a JUnit suite: extend it, return a fresh,
 * empty store from {@link #createStore()}, and the store is checked for the object operations (conditional
 * reads, create-only writes, compare-and-set, listing, key safety, atomicity under concurrent writers) and
 * for the storage format on top of them (publish, promote, roll back, history, plain-script layouts, and a
 * registry serving from it). The filesystem and S3 stores both pass it, so they behave the same.
 */
public abstract class ModelStoreContract {

  /** A folder a test may use, for example for the registry's cache. */
  @TempDir protected Path tempDir;

  /** The store under test, created before each test and closed after. */
  protected WritableModelStore store;

  /** Returns a new, empty store. */
  protected abstract WritableModelStore createStore() throws Exception;

  @BeforeEach
  void createStoreUnderTest() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStoreUnderTest() throws Exception {
    store.close();
  }

  // ------------------------------------------------------------------ object operations

  @Test
  void readOfAMissingObjectSaysMissing() throws IOException {
    assertThat(store.read("m/latest.json", null).status()).isEqualTo(ObjectRead.Status.MISSING);
    assertThat(store.read("m/latest.json", "some-tag").status()).isEqualTo(ObjectRead.Status.MISSING);
  }

  @Test
  void createdObjectReadsBackWithATag() throws IOException {
    assertThat(store.create("m/v1/a.json", bytes("{\"a\":1}"))).isTrue();
    ObjectRead read = store.read("m/v1/a.json", null);
    assertThat(read.status()).isEqualTo(ObjectRead.Status.FOUND);
    assertThat(read.content()).isEqualTo(bytes("{\"a\":1}"));
    assertThat(read.tag()).isNotBlank();
  }

  @Test
  void conditionalReadWithTheCurrentTagTransfersNothing() throws IOException {
    store.create("m/latest.json", bytes("{\"version\":\"v1\"}"));
    String tag = store.read("m/latest.json", null).tag();
    assertThat(store.read("m/latest.json", tag).status()).isEqualTo(ObjectRead.Status.NOT_MODIFIED);
    assertThat(store.read("m/latest.json", "\"another-tag\"").status()).isEqualTo(ObjectRead.Status.FOUND);
  }

  @Test
  void createDoesNotOverwrite() throws IOException {
    assertThat(store.create("m/v1/.claim.json", bytes("first"))).isTrue();
    assertThat(store.create("m/v1/.claim.json", bytes("second"))).isFalse();
    assertThat(store.read("m/v1/.claim.json", null).content()).isEqualTo(bytes("first"));
  }

  @Test
  void replaceWithoutATagOnlyCreates() throws IOException {
    assertThat(store.replace("m/latest.json", bytes("one"), null)).isTrue();
    assertThat(store.replace("m/latest.json", bytes("two"), null)).isFalse();
    assertThat(store.read("m/latest.json", null).content()).isEqualTo(bytes("one"));
  }

  @Test
  void replaceIsACompareAndSetOnTheTag() throws IOException {
    store.replace("m/latest.json", bytes("one"), null);
    String first = store.read("m/latest.json", null).tag();
    assertThat(store.replace("m/latest.json", bytes("two"), first)).isTrue();
    String second = store.read("m/latest.json", null).tag();
    assertThat(second).isNotEqualTo(first);
    assertThat(store.replace("m/latest.json", bytes("three"), first)).as("stale tag").isFalse();
    assertThat(store.read("m/latest.json", null).content()).isEqualTo(bytes("two"));
    assertThat(store.replace("m/other.json", bytes("x"), second)).as("tag of another object").isFalse();
  }

  @Test
  void writtenObjectsStreamBackAndCanBeReplaced() throws IOException {
    byte[] content = randomBytes(300_000, 1);
    store.write("m/v1/model.bin", new ByteArrayInputStream(content), content.length);
    assertThat(readAll("m/v1/model.bin")).isEqualTo(content);
    byte[] other = randomBytes(10, 2);
    store.write("m/v1/model.bin", new ByteArrayInputStream(other), other.length);
    assertThat(readAll("m/v1/model.bin")).isEqualTo(other);
  }

  @Test
  void largeObjectsRoundTrip() throws IOException {
    byte[] content = randomBytes(largeObjectSize(), 3);
    store.write("m/v1/model.onnx", new ByteArrayInputStream(content), content.length);
    assertThat(readAll("m/v1/model.onnx")).isEqualTo(content);
    assertThat(store.list("m/v1").objects()).extracting(Listing.Entry::name, Listing.Entry::size)
        .containsExactly(tuple("model.onnx", (long) content.length));
  }

  /** The size of the object in {@link #largeObjectsRoundTrip()}; a store with multipart uploads may raise it. */
  protected int largeObjectSize() {
    return 6 * 1024 * 1024 + 17;
  }

  @Test
  void openOfAMissingObjectThrowsNoSuchFile() {
    assertThatThrownBy(() -> store.open("m/v1/nothing.bin")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void listShowsDirectObjectsWithSizesAndSubFolders() throws IOException {
    store.create("m/latest.json", bytes("{}"));
    store.create("m/v1/model.json", bytes("12345"));
    store.create("m/v1/schema.json", bytes("12"));
    store.create("m/v2/model.json", bytes("1"));
    store.create("m/history/000000000001.json", bytes("{}"));
    store.create("mm/v1/model.json", bytes("1"));

    Listing model = store.list("m");
    assertThat(model.folders()).containsExactlyInAnyOrder("v1", "v2", "history");
    assertThat(model.objects()).extracting(Listing.Entry::name).containsExactly("latest.json");

    Listing v1 = store.list("m/v1");
    assertThat(v1.folders()).isEmpty();
    assertThat(v1.objects()).extracting(Listing.Entry::name, Listing.Entry::size)
        .containsExactlyInAnyOrder(tuple("model.json", 5L), tuple("schema.json", 2L));
  }

  @Test
  void aRewriteOfTheSameSizeChangesTheListedChangeTag() throws IOException {
    store.write("m/v1/model.json", new ByteArrayInputStream(bytes("first")), 5);
    Listing.Entry before = store.list("m/v1").objects().get(0);
    store.write("m/v1/model.json", new ByteArrayInputStream(bytes("fixed")), 5);
    Listing.Entry after = store.list("m/v1").objects().get(0);
    assertThat(after.size()).isEqualTo(before.size());
    if (before.tag().isPresent()) {
      assertThat(after.tag()).as("a store that gives change tags changes them with the content")
          .isPresent().isNotEqualTo(before.tag());
    }
  }

  @Test
  void listOfAnAbsentFolderIsEmpty() throws IOException {
    assertThat(store.list("nothing/v9").isEmpty()).isTrue();
    assertThat(store.list("nothing").isEmpty()).isTrue();
  }

  @Test
  void unsafeKeysAreRefusedByEveryOperation() throws IOException {
    store.create("m/v1/model.json", bytes("{}"));
    store.create("m/latest.json", bytes("{}"));
    String tag = store.read("m/latest.json", null).tag();
    for (UnsafeKeys.Case unsafe : UnsafeKeys.ALL) {
      String key = unsafe.key();
      Map<String, ThrowingCallable> operations = new LinkedHashMap<>();
      operations.put("read", () -> store.read(key, null));
      operations.put("open", () -> store.open(key).close());
      if (!key.isEmpty()) { // list("") is the root
        operations.put("list", () -> store.list(key));
      }
      operations.put("create", () -> store.create(key, bytes("x")));
      operations.put("write", () -> store.write(key, new ByteArrayInputStream(bytes("x")), 1));
      operations.put("replace", () -> store.replace(key, bytes("x"), tag));
      operations.put("delete", () -> store.delete(key));
      operations.forEach((name, operation) -> assertThatThrownBy(operation)
          .as("%s of %s (%s)", name, Names.quote(key), unsafe.why())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a safe store key"));
    }
    assertThat(store.read("m/v1/model.json", null).content()).as("nothing was overwritten").isEqualTo(bytes("{}"));
    assertThat(store.list("m").folders()).containsExactly("v1");
  }

  @Test
  void deleteRemovesAnObjectAndOnlyThatObject() throws IOException {
    store.create("m/v1/model.json", bytes("model"));
    store.create("m/v1/manifest.json", bytes("{}"));
    store.delete("m/v1/model.json");
    assertThat(store.read("m/v1/model.json", null).status()).isEqualTo(ObjectRead.Status.MISSING);
    assertThatThrownBy(() -> store.open("m/v1/model.json")).isInstanceOf(NoSuchFileException.class);
    assertThat(store.list("m/v1").objects()).extracting(Listing.Entry::name).containsExactly("manifest.json");
    assertThat(store.read("m/v1/manifest.json", null).content()).isEqualTo(bytes("{}"));
  }

  @Test
  void deleteOfAMissingObjectIsNotAnError() throws IOException {
    store.delete("m/v1/nothing.json");
    store.delete("nothing/at/all.json");
    store.create("m/v1/model.json", bytes("model"));
    store.delete("m/v1/model.json");
    store.delete("m/v1/model.json");
    assertThat(store.read("m/v1/model.json", null).status()).isEqualTo(ObjectRead.Status.MISSING);
  }

  @Test
  void aFolderWhoseObjectsAreAllDeletedIsNoLongerListed() throws IOException {
    store.create("m/latest.json", bytes("{}"));
    store.create("m/v1/model.json", bytes("1"));
    store.create("m/v1/manifest.json", bytes("2"));
    store.create("m/v2/model.json", bytes("3"));
    store.delete("m/v1/model.json");
    store.delete("m/v1/manifest.json");
    assertThat(store.list("m").folders()).containsExactly("v2");
    assertThat(store.list("m/v1").isEmpty()).isTrue();
    assertThat(store.list("m").objects()).extracting(Listing.Entry::name).containsExactly("latest.json");
  }

  @Test
  void aDeletedKeyCanBeCreatedAgainAndADeleteBreaksACompareAndSet() throws IOException {
    store.create("m/marker.json", bytes("first"));
    String tag = store.read("m/marker.json", null).tag();
    store.delete("m/marker.json");
    assertThat(store.replace("m/marker.json", bytes("late"), tag)).as("the object it expected is gone").isFalse();
    assertThat(store.create("m/marker.json", bytes("second"))).isTrue();
    assertThat(store.read("m/marker.json", null).content()).isEqualTo(bytes("second"));
  }

  @Test
  void concurrentCreatesHaveOneWinner() throws Exception {
    int threads = 8;
    List<Boolean> results = race(threads, i -> store.create("m/v7/.claim.json", bytes("claimed by " + i)));
    assertThat(results.stream().filter(won -> won).count()).isEqualTo(1);
  }

  @Test
  void concurrentCompareAndSetsLoseNoUpdate() throws Exception {
    store.replace("m/counter.json", bytes("0"), null);
    int threads = 4;
    int increments = 15;
    race(threads, i -> {
      for (int done = 0; done < increments; ) {
        ObjectRead read = store.read("m/counter.json", null);
        int value = Integer.parseInt(new String(read.content(), UTF_8));
        if (store.replace("m/counter.json", bytes(Integer.toString(value + 1)), read.tag())) {
          done++;
        }
      }
      return true;
    });
    assertThat(new String(store.read("m/counter.json", null).content(), UTF_8))
        .isEqualTo(Integer.toString(threads * increments));
  }

  // ------------------------------------------------------------------ storage format

  @Test
  void publishWritesACompleteVerifiedVersion() {
    ModelPublisher publisher = ModelPublisher.on(store);
    VersionInfo v1 = publisher.publish("t20_win_predictor", constant(0.25f, 3));
    assertThat(v1.version()).isEqualTo(VersionId.of("v1"));
    assertThat(v1.state()).isEqualTo(VersionInfo.State.COMPLETE);
    VersionInfo v2 = publisher.publish("t20_win_predictor", Publication.builder()
        .file("model.json", LinearModel.identity(0.5f, 1, 2, 3).toJson())
        .metrics(Map.of("accuracy", 0.74))
        .features(List.of("a", "b", "c"))
        .build());
    assertThat(v2.version()).isEqualTo(VersionId.of("v2"));

    List<VersionInfo> versions = publisher.versions("t20_win_predictor");
    assertThat(versions).extracting(VersionInfo::version).containsExactly(VersionId.of("v1"), VersionId.of("v2"));
    VersionInfo listed = versions.get(1);
    assertThat(listed.state()).isEqualTo(VersionInfo.State.COMPLETE);
    assertThat(listed.metrics()).containsEntry("accuracy", 0.74);
    assertThat(listed.features()).containsExactly("a", "b", "c");
    assertThat(listed.manifest().format()).isEqualTo("linear");
    assertThat(listed.files()).containsExactlyInAnyOrder("model.json", "metrics.json", "schema.json");
    assertThat(publisher.version("t20_win_predictor", "v2")).contains(listed);
    assertThat(publisher.version("t20_win_predictor", "v9")).isEmpty();
  }

  @Test
  void timestampVersionsAreClaimedOncePerSecond() {
    ModelPublisher publisher = ModelPublisher.builder(store)
        .versionScheme(VersionScheme.TIMESTAMP)
        .clock(Clock.fixed(Instant.parse("2025-12-01T15:30:00Z"), ZoneOffset.UTC))
        .build();
    VersionInfo first = publisher.publish("m", constant(1, 2));
    VersionInfo second = publisher.publish("m", constant(2, 2));
    assertThat(first.version().value()).isEqualTo("v20251201_153000");
    assertThat(second.version().value()).isEqualTo("v20251201_153001");
  }

  @Test
  void promoteMovesThePointerAndRecordsHistory() {
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("m", constant(1, 2));
    publisher.publish("m", constant(2, 2));
    Pointer first = publisher.promote("m", "v1", "first");
    Pointer second = publisher.promote("m", "v2", "better");
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(VersionId.of("v2"));
    assertThat(second.previous()).isEqualTo(VersionId.of("v1"));
    assertThat(publisher.pointer("m")).contains(second);

    Pointer rolledBack = publisher.rollback("m", "regression");
    assertThat(rolledBack.version()).isEqualTo(VersionId.of("v1"));
    assertThat(rolledBack.previous()).isEqualTo(VersionId.of("v2"));

    List<PointerMove> history = publisher.history("m");
    assertThat(history).extracting(PointerMove::sequence).containsExactly(1L, 2L, 3L);
    assertThat(history).extracting(PointerMove::action).containsExactly("promote", "promote", "rollback");
    assertThat(history.get(2).from()).isEqualTo(VersionId.of("v2"));
    assertThat(history.get(2).reason()).isEqualTo("regression");
  }

  @Test
  void promotingAnIncompleteOrMissingVersionIsRefused() throws IOException {
    ModelPublisher publisher = ModelPublisher.on(store);
    store.create("m/v1/.claim.json", bytes("{}"));
    store.create("m/v1/model.json", LinearModel.identity(1, 1).toJson());
    assertThatThrownBy(() -> publisher.promote("m", "v1", null))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("incomplete");
    assertThatThrownBy(() -> publisher.promote("m", "v9", null))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("no such version");
    assertThat(publisher.pointer("m")).isEmpty();
  }

  @Test
  void aVersionWrittenByAPlainScriptIsListedUnverifiedAndCanBePromoted() throws IOException {
    store.create("m/v1/model.json", LinearModel.identity(0.5f, 1, 1).toJson());
    store.create("m/v1/metrics.json", bytes("{\"accuracy\": 0.7, \"note\": \"baseline\"}"));
    store.create("m/v1/schema.json", bytes("{\"features\": [\"x\", \"y\"]}"));
    ModelPublisher publisher = ModelPublisher.on(store);
    VersionInfo info = publisher.versions("m").get(0);
    assertThat(info.state()).isEqualTo(VersionInfo.State.UNVERIFIED);
    assertThat(info.metrics()).containsExactly(Map.entry("accuracy", 0.7));
    assertThat(info.features()).containsExactly("x", "y");
    assertThat(publisher.version("m", "v1")).contains(info);
    assertThat(publisher.promote("m", "v1", null).version()).isEqualTo(VersionId.of("v1"));
    assertThat(publisher.publish("m", constant(1, 2)).version()).isEqualTo(VersionId.of("v2"));
  }

  @Test
  void racingPublishersGetDistinctVersionsAndLoseNoPointerMove() throws Exception {
    int publishers = 3;
    int each = 4;
    List<List<VersionId>> published = race(publishers, i -> {
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("publisher-" + i).build();
      List<VersionId> mine = new ArrayList<>();
      for (int n = 0; n < each; n++) {
        VersionId v = publisher.publish("m", constant(i * 100 + n, 2)).version();
        publisher.promote("m", v.value(), "publisher " + i);
        mine.add(v);
      }
      return mine;
    });
    Set<VersionId> all = new HashSet<>();
    published.forEach(all::addAll);
    assertThat(all).hasSize(publishers * each);

    List<PointerMove> history = ModelPublisher.on(store).history("m");
    assertThat(history).hasSize(publishers * each);
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).sequence()).isEqualTo(i + 1);
      if (i > 0) {
        assertThat(history.get(i).from()).as("move %d starts where move %d ended", i + 1, i)
            .isEqualTo(history.get(i - 1).to());
      }
    }
  }

  @Test
  void aRegistryServesFromTheStoreAndFollowsThePointer() throws IOException {
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("m", constant(1, 2));
    publisher.promote("m", "v1", null);
    try (ModelRegistry registry = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(tempDir.resolve("cache"))
        .pollInterval(Duration.ofHours(1))
        .model("m")
        .build()) {
      assertThat(registry.current("m").predict(new float[] {3, 4})).containsExactly(1f);
      assertThat(registry.status("m").source()).isEqualTo(ModelSource.STORE);

      publisher.publish("m", constant(2, 2));
      publisher.promote("m", "v2", null);
      registry.refresh();
      assertThat(registry.current("m").version()).isEqualTo("v2");
      assertThat(registry.current("m").predict(new float[] {3, 4})).containsExactly(2f);
    }
  }

  // ------------------------------------------------------------------ governance

  @Test
  void aCorruptOrTruncatedVersionIsRefusedBeforeThePointerMoves() throws IOException {
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("m", constant(1, 2));
    publisher.publish("m", constant(2, 2));
    publisher.publish("m", constant(3, 2));
    publisher.promote("m", "v1", null);
    byte[] original = readAll("m/v2/model.json");
    byte[] corrupt = original.clone();
    corrupt[corrupt.length / 2] ^= 1;
    store.write("m/v2/model.json", new ByteArrayInputStream(corrupt), corrupt.length);
    store.write("m/v3/model.json", new ByteArrayInputStream(original, 0, 5), 5);

    assertThat(publisher.catalog().verify("m", "v2").problems()).singleElement().asString()
        .contains("model.json has sha256").contains("manifest.json lists");
    assertThat(publisher.catalog().verify("m", "v3").problems()).singleElement().asString()
        .contains("model.json has 5 bytes but manifest.json lists " + original.length);
    assertThatThrownBy(() -> publisher.promote("m", "v2", null))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("v2: it fails verification: model.json has sha256");
    assertThatThrownBy(() -> publisher.startCanary("m", "v3", 10, null))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("fails verification");
    assertThat(publisher.pointer("m").orElseThrow().version()).isEqualTo(VersionId.of("v1"));
    assertThat(publisher.history("m")).hasSize(1);
  }

  @Test
  void pruneArchivesOldVersionsAndNeverWhatThePointerNames() throws IOException {
    ModelPublisher publisher = ModelPublisher.on(store);
    for (int i = 1; i <= 6; i++) {
      publisher.publish("m", constant(i, 2));
    }
    publisher.promote("m", "v1", null);
    publisher.promote("m", "v2", null);
    publisher.startShadow("m", "v3", 0.5, null);

    PruneReport preview = publisher.previewPrune("m", Retention.keepLast(1));
    assertThat(preview.dryRun()).isTrue();
    assertThat(preview.deleted()).containsExactly(VersionId.of("v4"), VersionId.of("v5"));
    assertThat(preview.kept()).containsEntry(VersionId.of("v1"), "previous (the roll-back target)")
        .containsEntry(VersionId.of("v2"), "serving").containsEntry(VersionId.of("v3"), "shadow")
        .containsEntry(VersionId.of("v6"), "among the newest 1");
    assertThat(store.list("m").folders()).contains("v4", "v5");

    PruneReport pruned = publisher.prune("m", Retention.keepLast(1));
    assertThat(pruned.deleted()).containsExactly(VersionId.of("v4"), VersionId.of("v5"));
    assertThat(store.list("m").folders()).doesNotContain("v4", "v5").contains("v1", "v2", "v3", "v6", "archived");
    assertThat(store.list("m/archived").objects()).extracting(Listing.Entry::name)
        .containsExactlyInAnyOrder("v4.json", "v5.json");
    assertThatThrownBy(() -> publisher.promote("m", "v4", null))
        .isInstanceOf(PublishException.class).hasMessageContaining("archived");
    assertThat(publisher.publish("m", constant(7, 2)).version()).as("a pruned number is never reused")
        .isEqualTo(VersionId.of("v7"));
    assertThat(publisher.pointer("m").orElseThrow().version()).isEqualTo(VersionId.of("v2"));
  }

  @Test
  void aPromoteThatMovesFirstKeepsItsVersionFromARacingPrune() throws Exception {
    HookedStore hooked = racingSetUp();
    ModelPublisher publisher = ModelPublisher.builder(hooked).publishedBy("racer").build();
    HeldPromote promote = new HeldPromote(publisher);
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    hooked.hook = (operation, key) -> {
      if (operation.equals("replace") && key.equals("m/latest.json") && !promote.holdIfMine()
          && once.compareAndSet(false, true)) {
        promote.release.countDown(); // the prune is at its compare-and-set: let the promote's go first
        await(promote.done);
      }
    };
    promote.startAndAwaitItsCompareAndSet(); // it has read the pointer and found no marker

    PruneReport report = publisher.prune("m", Retention.keepLast(1));
    promote.finish();

    assertThat(promote.failure).isNull();
    assertThat(publisher.pointer("m").orElseThrow().version()).isEqualTo(VersionId.of("v1"));
    assertThat(report.deleted()).doesNotContain(VersionId.of("v1")).contains(VersionId.of("v2"));
    assertThat(publisher.catalog().verify("m", "v1").ok()).as("what the promote points to is intact").isTrue();
    assertThat(publisher.catalog().archived("m")).doesNotContain(VersionId.of("v1"));
  }

  @Test
  void aPruneThatMovesFirstMakesARacingPromoteRefuse() throws Exception {
    HookedStore hooked = racingSetUp();
    ModelPublisher publisher = ModelPublisher.builder(hooked).publishedBy("racer").build();
    HeldPromote promote = new HeldPromote(publisher);
    hooked.hook = (operation, key) -> {
      if (operation.equals("replace") && key.equals("m/latest.json")) {
        promote.holdIfMine();
      }
    };
    promote.startAndAwaitItsCompareAndSet(); // it has read the pointer and found no marker

    PruneReport report = publisher.prune("m", Retention.keepLast(1));
    promote.finish();

    assertThat(report.deleted()).contains(VersionId.of("v1"));
    assertThat(promote.failure).isInstanceOf(PublishException.class).hasMessageContaining("v1: it is archived");
    assertThat(publisher.pointer("m").orElseThrow().version()).isEqualTo(VersionId.of("v4"));
    assertThat(store.list("m/v1").isEmpty()).isTrue();
  }

  /** A promote of v1 on its own thread, held just before its compare-and-set on the pointer. */
  private static final class HeldPromote {
    final CountDownLatch atCompareAndSet = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    final Thread thread;
    volatile Throwable failure;

    HeldPromote(ModelPublisher publisher) {
      thread = new Thread(() -> {
        try {
          publisher.promote("m", "v1", "back to v1");
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.countDown();
        }
      }, "promoter");
    }

    /** On the promote's own thread, about to compare-and-set: waits to be released, and returns true. */
    boolean holdIfMine() {
      if (Thread.currentThread() != thread) {
        return false;
      }
      atCompareAndSet.countDown();
      await(release);
      return true;
    }

    void startAndAwaitItsCompareAndSet() {
      thread.start();
      await(atCompareAndSet);
    }

    void finish() throws InterruptedException {
      release.countDown();
      thread.join(TimeUnit.MINUTES.toMillis(1));
    }
  }

  /** v1 to v4 published, v3 then v4 promoted; the store under test wrapped so a test can stage a race. */
  private HookedStore racingSetUp() {
    ModelPublisher setUp = ModelPublisher.on(store);
    for (int i = 1; i <= 4; i++) {
      setUp.publish("m", constant(i, 2));
    }
    setUp.promote("m", "v3", null);
    setUp.promote("m", "v4", null);
    return new HookedStore(store);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the other side of the race never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The store under test, with a hook run before each write, to stage a race step by step. */
  private static final class HookedStore implements WritableModelStore {

    interface Hook {
      void before(String operation, String key);
    }

    private final WritableModelStore delegate;
    volatile Hook hook = (operation, key) -> {};

    HookedStore(WritableModelStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ObjectRead read(String key, @org.jspecify.annotations.Nullable String ifNoneMatch) throws IOException {
      return delegate.read(key, ifNoneMatch);
    }

    @Override
    public InputStream open(String key) throws IOException {
      return delegate.open(key);
    }

    @Override
    public Listing list(String folder) throws IOException {
      return delegate.list(folder);
    }

    @Override
    public boolean create(String key, byte[] content) throws IOException {
      hook.before("create", key);
      return delegate.create(key, content);
    }

    @Override
    public void write(String key, InputStream content, long length) throws IOException {
      hook.before("write", key);
      delegate.write(key, content, length);
    }

    @Override
    public boolean replace(String key, byte[] content, @org.jspecify.annotations.Nullable String expectedTag)
        throws IOException {
      hook.before("replace", key);
      return delegate.replace(key, content, expectedTag);
    }

    @Override
    public void delete(String key) throws IOException {
      hook.before("delete", key);
      delegate.delete(key);
    }

    @Override
    public java.util.Optional<String> keyPrefix() {
      return delegate.keyPrefix();
    }

    @Override
    public java.util.Optional<String> bucketName() {
      return delegate.bucketName();
    }

    @Override
    public String description() {
      return delegate.description();
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A publication of a linear model whose only output is {@code value} for {@code width} features {@code
   * f0…}: versions are told apart by their output.
   */
  protected static Publication constant(float value, int width) {
    List<String> features = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      features.add("f" + i);
    }
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, width).toJson())
        .features(features)
        .build();
  }

  /** UTF-8 bytes of a string. */
  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private byte[] readAll(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** A task of one racing thread. */
  @FunctionalInterface
  protected interface RaceTask<T> {
    /** Runs the task of thread {@code i}. */
    T run(int i) throws Exception;
  }

  /** Runs {@code task} on {@code threads} threads released at once, and returns their results. */
  protected static <T> List<T> race(int threads, RaceTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int id = i;
        Callable<T> call = () -> {
          start.await();
          return task.run(id);
        };
        futures.add(pool.submit(call));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(2, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
