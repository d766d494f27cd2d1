package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.internal.Changes;
import dev.modelregistry.internal.StorageFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change feed: one conditional read per poll however many models, then only the pointers that moved. */
class ChangeFeedTest extends RegistryHarness {

  private static final Duration INTERVAL = Duration.ofMinutes(1);

  final CountingLoader loader = new CountingLoader();
  final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void countRequests() {
    store.hook((operation, key) -> requests.add(operation + " " + key));
  }

  private String releaseModel(String model, float value) {
    String version = publisher.publish(model, CountingLoader.version(value)).version().value();
    publisher.promote(model, version, null);
    return version;
  }

  private ModelRegistry pollingRegistry(int models) {
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .discover(ModelDiscovery.prefix("dish_")));
    for (int i = 0; i < models; i++) {
      registry.current("dish_" + i);
    }
    requests.clear();
    return registry;
  }

  private Changes feed() {
    return StorageFormat.parseChanges(memory.get(StorageFormat.CHANGES));
  }

  @Test
  void everyPointerMoveAndExperimentWriteBumpsTheFeed() {
    releaseModel("dish_a", 1);
    String v2 = publisher.publish("dish_a", CountingLoader.version(2)).version().value();
    publisher.startCanary("dish_a", v2, 10, "try it");
    releaseModel("dish_b", 3);
    publisher.writeExperiment(new ExperimentDefinition("menu_test", null, true, List.of(
        new ExperimentDefinition.Variant("a", "dish_a", 50), new ExperimentDefinition.Variant("b", "dish_b", 50))), null);

    Changes changes = feed();
    assertThat(changes.generation()).isEqualTo(4);
    assertThat(changes.models()).containsEntry("dish_a", 2L).containsEntry("dish_b", 1L);
    assertThat(changes.experiments()).containsEntry("menu_test", 1L);
    assertThat(new String(memory.get(StorageFormat.CHANGES), UTF_8)).contains("\"format\" : 1");
  }

  @Test
  void anUnchangedPollIsOneConditionalReadHoweverManyModelsAreLoaded() {
    for (int i = 0; i < 20; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = pollingRegistry(20);

    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);

    assertThat(requests).containsExactly("read _changes.json", "read _changes.json");
    assertThat(registry.current("dish_3").predict(new float[] {1, 2})).containsExactly(3f);
  }

  @Test
  void aPromotionCostsTheFeedThatPointerAndThatVersionsFiles() {
    for (int i = 0; i < 20; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = pollingRegistry(20);
    releaseModel("dish_7", 70);
    requests.clear();

    scheduler.advance(INTERVAL);

    assertThat(requests.get(0)).isEqualTo("read _changes.json");
    assertThat(requests).filteredOn(r -> r.endsWith("latest.json")).containsExactly("read dish_7/latest.json");
    assertThat(requests.subList(1, requests.size())).allSatisfy(r -> assertThat(r).contains("dish_7/"));
    assertThat(registry.current("dish_7").predict(new float[] {1, 2})).containsExactly(70f);
  }

  @Test
  void aReplicaThatMissedGenerationsCatchesUpInOnePoll() {
    for (int i = 0; i < 3; i++) {
      releaseModel("dish_" + i, i);
    }
    ModelRegistry registry = pollingRegistry(3);
    releaseModel("dish_0", 10);
    releaseModel("dish_0", 20);
    releaseModel("dish_2", 22);
    releaseModel("dish_99", 99); // not loaded here: its move costs nothing

    scheduler.advance(INTERVAL);

    assertThat(requests).filteredOn(r -> r.endsWith("latest.json"))
        .containsExactlyInAnyOrder("read dish_0/latest.json", "read dish_2/latest.json");
    assertThat(registry.current("dish_0").predict(new float[] {1, 2})).containsExactly(20f);
    assertThat(registry.current("dish_1").predict(new float[] {1, 2})).containsExactly(1f);
    assertThat(registry.current("dish_2").predict(new float[] {1, 2})).containsExactly(22f);
  }

  @Test
  void aPointerWrittenAroundTheFeedIsNoticedByTheFullScan() {
    releaseModel("dish_a", 1);
    String v2 = publisher.publish("dish_a", CountingLoader.version(2)).version().value();
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .discover(ModelDiscovery.all()).fullScanEvery(3));
    registry.current("dish_a");
    memory.put("dish_a/latest.json", ("{\"version\": \"" + v2 + "\"}").getBytes(UTF_8)); // a script

    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);
    assertThat(registry.current("dish_a").version()).isEqualTo("v1");
    scheduler.advance(INTERVAL);

    assertThat(registry.current("dish_a").version()).isEqualTo(v2);
  }

  @Test
  void withoutAFeedEveryLoadedPointerIsPolledAsBefore() {
    releaseModel("dish_0", 1);
    releaseModel("dish_1", 2);
    memory.delete(StorageFormat.CHANGES); // a layout written by hand
    ModelRegistry registry = pollingRegistry(2);
    memory.put("dish_1/latest.json", "{\"version\": \"v1\", \"reason\": \"by hand\"}".getBytes(UTF_8));

    scheduler.advance(INTERVAL);

    assertThat(requests).containsExactlyInAnyOrder(
        "read _changes.json", "read dish_0/latest.json", "read dish_1/latest.json");
    assertThat(registry.models()).containsExactlyInAnyOrder("dish_0", "dish_1");
  }

  @Test
  void anInvalidFeedIsReportedOnceAndEveryPointerIsPolledInstead() {
    releaseModel("dish_0", 1);
    String v2 = publisher.publish("dish_0", CountingLoader.version(2)).version().value();
    ModelRegistry registry = pollingRegistry(1);
    for (String hostile : List.of("[]", "{\"generation\": -1}", "{\"generation\": 1.5}",
        "{\"generation\": 1, \"models\": {\"../x\": 1}}", "{\"generation\": 1, \"models\": {\"a\": \"1\"}}",
        "{\"format\": 2, \"generation\": 1}", "{\"generation\": 1, \"generation\": 2}")) {
      assertThatThrownBy(() -> StorageFormat.parseChanges(hostile.getBytes(UTF_8)))
          .as(hostile).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_changes.json");
    }
    memory.put(StorageFormat.CHANGES, "{\"generation\": \"lots\"}".getBytes(UTF_8));
    memory.put("dish_0/latest.json", ("{\"version\": \"" + v2 + "\"}").getBytes(UTF_8));

    scheduler.advance(INTERVAL);

    assertThat(registry.current("dish_0").version()).isEqualTo(v2);
    assertThat(registry.current("dish_0").predict(new float[] {1, 2})).containsExactly(2f);

    releaseModel("dish_0", 3); // the publisher writes a valid feed anew
    assertThat(feed().generation()).isEqualTo(1);
  }

  private static ExperimentDefinition menuTest(int weightOfB) {
    return new ExperimentDefinition("menu_test", null, true, List.of(
        new ExperimentDefinition.Variant("a", "dish_a", 100 - weightOfB),
        new ExperimentDefinition.Variant("b", "dish_b", weightOfB)));
  }

  /** Declares dish_a, dish_b and the experiment menu_test over them, with the feed. */
  private ModelRegistry experimentRegistry() {
    releaseModel("dish_a", 1);
    releaseModel("dish_b", 2);
    publisher.writeExperiment(menuTest(50), null);
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .model("dish_a").model("dish_b").experiment("menu_test").changeFeed(true));
    requests.clear();
    return registry;
  }

  @Test
  void anUnchangedPollWithExperimentsIsStillOneConditionalRead() {
    ModelRegistry registry = experimentRegistry();

    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);

    assertThat(requests).containsExactly("read _changes.json", "read _changes.json");
    assertThat(registry.experiment("menu_test").definition().variants().get(1).weight()).isEqualTo(50);
  }

  @Test
  void anExperimentWriteCostsTheFeedAndThatFile() {
    ModelRegistry registry = experimentRegistry();
    scheduler.advance(INTERVAL);
    publisher.writeExperiment(menuTest(90), "more b");
    requests.clear();

    scheduler.advance(INTERVAL);

    assertThat(requests).containsExactly("read _changes.json", "read _experiments/menu_test.json");
    assertThat(registry.experiment("menu_test").definition().variants().get(1).weight()).isEqualTo(90);
    requests.clear();
    scheduler.advance(INTERVAL);
    assertThat(requests).containsExactly("read _changes.json");
  }

  @Test
  void withoutAFeedExperimentsArePolledAsBefore() {
    ModelRegistry registry = experimentRegistry();
    memory.delete(StorageFormat.CHANGES); // a layout written by hand
    memory.put("_experiments/menu_test.json", new String(memory.get("_experiments/menu_test.json"), UTF_8)
        .replace("50", "70").getBytes(UTF_8)); // a script, which does not touch the feed

    scheduler.advance(INTERVAL);

    assertThat(requests).containsExactlyInAnyOrder("read _changes.json", "read dish_a/latest.json",
        "read dish_b/latest.json", "read _experiments/menu_test.json");
    assertThat(registry.experiment("menu_test").definition().variants().get(1).weight()).isEqualTo(70);
  }

  @Test
  void anExperimentFileWrittenAroundTheFeedIsNoticedByTheFullScan() {
    releaseModel("dish_a", 1);
    releaseModel("dish_b", 2);
    publisher.writeExperiment(menuTest(50), null);
    ModelRegistry registry = build(manual(INTERVAL, Duration.ofMinutes(10)).loader(loader)
        .model("dish_a").model("dish_b").experiment("menu_test").changeFeed(true).fullScanEvery(3));
    memory.put("_experiments/menu_test.json", new String(memory.get("_experiments/menu_test.json"), UTF_8)
        .replace("50", "70").getBytes(UTF_8));

    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);
    assertThat(registry.experiment("menu_test").definition().variants().get(1).weight()).isEqualTo(50);
    scheduler.advance(INTERVAL);

    assertThat(registry.experiment("menu_test").definition().variants().get(1).weight()).isEqualTo(70);
  }
}
