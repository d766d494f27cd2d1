package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gates, forced moves, the run log, version states, verification and retention, on an in-memory store. */
class GovernanceTest {

  private static final String MODEL = "fare_predictor";

  private final InMemoryModelStore store = new InMemoryModelStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  private ModelPublisher publisher() {
    return ModelPublisher.builder(store).clock(clock).publishedBy("trainer").build();
  }

  private ModelPublisher publisher(Policy policy) {
    return ModelPublisher.builder(store).clock(clock).publishedBy("trainer").policy(policy).build();
  }

  private static Publication version(Map<String, ? extends Number> metrics, String... features) {
    return Publication.builder()
        .file("model.bin", ("weights " + metrics).getBytes(UTF_8))
        .format("test")
        .metrics(metrics)
        .features(List.of(features))
        .training(Map.of("rows", 18234, "trained_at", "2026-03-01T09:00:00Z", "git_sha", "4f1c2e9"))
        .build();
  }

  private void policyFile(String json) {
    store.put(MODEL + "/policy.json", json.getBytes(UTF_8));
  }

  // ------------------------------------------------------------------ gates

  @Test
  void absoluteGatesRefuseAPromoteNamingEveryFailedGateWithBothNumbers() {
    policyFile("{\"gates\": [\"accuracy > 0.70\", \"roc_auc > 0.75\"]}");
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("accuracy", 0.68, "roc_auc", 0.74)));

    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", "weekly"))
        .isInstanceOfSatisfying(GateRefusedException.class, e -> {
          assertThat(e.failed()).extracting(GateVerdict::gate).containsExactly("accuracy > 0.700", "roc_auc > 0.750");
          assertThat(e.getMessage()).contains("promote of v1 refused by 2 gates")
              .contains("accuracy 0.680 <= 0.700").contains("roc_auc 0.740 <= 0.750");
        });
    assertThat(publisher.pointer(MODEL)).isEmpty();

    publisher.publish(MODEL, version(Map.of("accuracy", 0.738, "roc_auc", 0.812)));
    assertThat(publisher.promote(MODEL, "v2", "weekly").version()).isEqualTo(VersionId.of("v2"));
  }

  @Test
  void aRelativeGateComparesWithTheServingVersionAndSaysBothNumbers() {
    ModelPublisher publisher = publisher(Policy.builder().gate("mae <= serving.mae * 1.10").build());
    publisher.publish(MODEL, version(Map.of("mae", 0.191)));
    Pointer first = publisher.promote(MODEL, "v1", null);
    assertThat(first.version().value()).as("nothing serves yet: nothing to be worse than").isEqualTo("v1");

    publisher.publish(MODEL, version(Map.of("mae", 0.231)));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null))
        .isInstanceOf(GateRefusedException.class)
        .hasMessageContaining("mae 0.231 > 0.210 = 1.10 × serving v1's 0.191");

    publisher.publish(MODEL, version(Map.of("mae", 0.205)));
    assertThat(publisher.promote(MODEL, "v3", null).version().value()).isEqualTo("v3");
  }

  @Test
  void anOffsetGateAndAMissingMetric() {
    ModelPublisher publisher = publisher(Policy.builder().gate("accuracy >= serving.accuracy - 0.01").build());
    publisher.publish(MODEL, version(Map.of("accuracy", 0.80)));
    publisher.promote(MODEL, "v1", null);
    publisher.publish(MODEL, version(Map.of("accuracy", 0.785)));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null))
        .hasMessageContaining("accuracy 0.785 < 0.790 = serving v1's 0.800 - 0.010");
    publisher.publish(MODEL, version(Map.of("mae", 0.1)));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v3", null))
        .hasMessageContaining("accuracy is missing from v3's metrics");
  }

  @Test
  void requiredMetricsMustBePresent() {
    ModelPublisher publisher = publisher(Policy.builder().requireMetrics("mae", "rmse", "r2").build());
    publisher.publish(MODEL, version(Map.of("mae", 0.2, "r2", 0.9)));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null))
        .isInstanceOfSatisfying(GateRefusedException.class, e -> {
          assertThat(e.failed()).singleElement().extracting(GateVerdict::gate).isEqualTo("required rmse");
          assertThat(e.verdicts()).hasSize(3);
        })
        .hasMessageContaining("rmse is missing from v1's metrics [mae, r2]");
  }

  @Test
  void featuresMustMatchTheServingVersionUnlessTheMoveSaysTheyChange() {
    ModelPublisher publisher = publisher(Policy.builder().sameFeatures().build());
    publisher.publish(MODEL, version(Map.of("mae", 0.2), "distance", "hour", "day"));
    publisher.promote(MODEL, "v1", null);
    publisher.publish(MODEL, version(Map.of("mae", 0.2), "distance", "day", "hour"));
    assertThatThrownBy(() -> publisher.promote(MODEL, "v2", null))
        .hasMessageContaining("v2's features differ from serving v1's: at position 1 it has 'day' where serving has 'hour'");
    Pointer moved = publisher.promoteWith(MODEL, "v2", MoveOptions.because("new feature order").allowingSchemaChange());
    assertThat(moved.version().value()).isEqualTo("v2");
    assertThat(publisher.history(MODEL).get(1).forced()).isFalse();
  }

  @Test
  void aForcedMoveNeedsAReasonAndIsRecordedAsForced() {
    policyFile("{\"gates\": [\"accuracy >= 0.70\"]}");
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("accuracy", 0.65)));
    assertThatThrownBy(() -> MoveOptions.forced(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a reason");

    Pointer forced = publisher.promoteWith(MODEL, "v1", MoveOptions.forced("the test set changed; approved by QA"));
    assertThat(forced.version().value()).isEqualTo("v1");
    PointerMove move = publisher.history(MODEL).get(0);
    assertThat(move.forced()).isTrue();
    assertThat(move.reason()).isEqualTo("the test set changed; approved by QA");
    assertThat(new String(store.get(MODEL + "/history/000000000001.json"), UTF_8)).contains("\"forced\" : true");
  }

  @Test
  void canaryStartAndCanaryPromotionPassTheGatesAndAShadowDoesNot() {
    ModelPublisher publisher = publisher(Policy.builder().gate("accuracy >= 0.70").build());
    publisher.publish(MODEL, version(Map.of("accuracy", 0.75)));
    publisher.promote(MODEL, "v1", null);
    publisher.publish(MODEL, version(Map.of("accuracy", 0.60)));
    assertThatThrownBy(() -> publisher.startCanary(MODEL, "v2", 10, null))
        .isInstanceOf(GateRefusedException.class).hasMessageContaining("canary-start of v2 refused");
    assertThat(publisher.startShadow(MODEL, "v2", 0.25, "compare only").shadow().version().value()).isEqualTo("v2");

    publisher.startCanaryWith(MODEL, "v2", 10, MoveOptions.forced("small share, watched"));
    assertThatThrownBy(() -> publisher.promoteCanary(MODEL, null))
        .isInstanceOf(GateRefusedException.class).hasMessageContaining("canary-promote of v2 refused");
    assertThat(publisher.promoteCanaryWith(MODEL, MoveOptions.forced("accepted")).version().value()).isEqualTo("v2");
  }

  @Test
  void aMalformedPolicyFileRefusesEveryGatedMoveAndNamesTheFile() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("accuracy", 0.9)));
    policyFile("{\"gate\": [\"accuracy >= 0.70\"]}");
    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("memory/fare_predictor/policy.json")
        .hasMessageContaining("unknown field 'gate'");
    policyFile("{\"gates\": [\"accuracy >= lots\"]}");
    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null)).hasMessageContaining("is not understood");
    policyFile("{\"retention\": {\"keep_last\": 0}}");
    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null)).hasMessageContaining("keep_last");
    policyFile("[1, 2]");
    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null)).hasMessageContaining("must be a JSON object");
    assertThat(publisher.pointer(MODEL)).isEmpty();
  }

  @Test
  void hostilePolicyFilesAreRefusedNamingTheFileAndTheProblem() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("accuracy", 0.9)));
    String manyGates = "{\"gates\": [" + String.join(", ", java.util.Collections.nCopies(101, "\"a >= 1\"")) + "]}";
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(manyGates, "at most 100");
    cases.put("{\"description\": \"" + "x".repeat(300_000) + "\"}", "a policy has at most 262144");
    cases.put("{\"gates\": \"accuracy >= 0.7\"}", "\"gates\" must be an array of strings");
    cases.put("{\"gates\": [0.7]}", "must hold strings");
    cases.put("{\"same_features\": \"yes\"}", "\"same_features\" must be true or false");
    cases.put("{\"required_metrics\": [\"../etc\"]}", "metric name '../etc'");
    cases.put("{\"retention\": {\"keep_newer_than\": \"30 days\"}}", "not an ISO-8601 duration");
    cases.put("{\"retention\": {\"keep_newer_than\": \"-P1D\"}}", "must be positive");
    cases.put("{\"retention\": {\"keep_last\": 2.5}}", "keep_last");
    cases.put("{\"retention\": {\"keep_all\": true}}", "unknown field 'keep_all'");
    cases.put("{\"gates\": [\"a >= 1\"], \"gates\": []}", "more than once");
    cases.forEach((json, problem) -> {
      policyFile(json);
      assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null)).as(problem)
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("fare_predictor/policy.json")
          .hasMessageContaining(problem);
      assertThatThrownBy(() -> publisher.prune(MODEL, Retention.keepLast(1))).as(problem)
          .isInstanceOf(PublishException.class);
    });
    assertThat(publisher.pointer(MODEL)).isEmpty();
  }

  @Test
  void gatesParseAndPrintTheSameWay() {
    assertThat(Gate.parse("mae <= serving.mae * 1.10")).isEqualTo(Gate.relative("mae", Gate.Op.LE, 1.10, 0));
    assertThat(Gate.parse("accuracy>=serving.accuracy-0.01")).isEqualTo(Gate.relative("accuracy", Gate.Op.GE, 1, -0.01));
    assertThat(Gate.parse("accuracy >= 0.7")).isEqualTo(Gate.absolute("accuracy", Gate.Op.GE, 0.7));
    assertThat(Gate.parse(Gate.parse("mae <= serving.mae * 1.1 + 0.02").toString()))
        .isEqualTo(Gate.parse("mae <= serving.mae * 1.1 + 0.02"));
    for (String bad : List.of("", "accuracy", "accuracy = 0.7", "accuracy >= serving", "a >= 1e999",
        "x >= 0.7; rm -rf /", "accuracy >= 0.7".repeat(20))) {
      assertThatThrownBy(() -> Gate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Policy.builder().gate("a >= 1").gate("a >= 1"))
        .hasMessageContaining("given twice");
  }

  // ------------------------------------------------------------------ run log

  @Test
  void everyPublishAttemptLeavesOneImmutableRunRecord() throws IOException {
    ModelPublisher publisher = publisher(Policy.builder().gate("mae <= serving.mae * 1.10").build());
    publisher.publish(MODEL, version(Map.of("mae", 0.191, "rmse", 0.3, "r2", 0.81)));
    clock.advance(Duration.ofSeconds(1));
    PublishOutcome promoted = publisher.publishAndPromote(MODEL, version(Map.of("mae", 0.190)), "nightly");
    clock.advance(Duration.ofSeconds(1));
    PublishOutcome refused = publisher.publishAndPromote(MODEL, version(Map.of("mae", 0.231)), "nightly");

    assertThat(promoted.promoted()).isTrue();
    assertThat(refused.promoted()).isFalse();
    assertThat(refused.version().version().value()).isEqualTo("v3");
    assertThat(refused.verdicts()).singleElement().extracting(GateVerdict::message).asString()
        .contains("mae 0.231 > 0.209 = 1.10 × serving v2's 0.190");
    assertThat(publisher.pointer(MODEL).orElseThrow().version().value()).isEqualTo("v2");

    FaultyStore faulty = new FaultyStore(store);
    faulty.failWith((op, key) -> op.equals("write") ? new IOException("disk full (simulated)") : null);
    clock.advance(Duration.ofSeconds(1));
    ModelPublisher failing = ModelPublisher.builder(faulty).clock(clock).publishedBy("trainer").build();
    assertThatThrownBy(() -> failing.publishAndPromote(MODEL, version(Map.of("mae", 0.1)), "nightly"))
        .isInstanceOf(StorageException.class);

    List<RunRecord> runs = publisher.catalog().runs(MODEL);
    assertThat(runs).extracting(RunRecord::status).containsExactly(RunRecord.Status.COMPLETED,
        RunRecord.Status.COMPLETED, RunRecord.Status.REFUSED, RunRecord.Status.FAILED);
    assertThat(runs).extracting(RunRecord::promoted).containsExactly(false, true, false, false);
    assertThat(runs).extracting(r -> r.version() == null ? null : r.version().value())
        .containsExactly("v1", "v2", "v3", "v4");
    RunRecord first = runs.get(0);
    assertThat(first.rows()).isEqualTo(18234L);
    assertThat(first.trainedAt()).isEqualTo("2026-03-01T09:00:00Z");
    assertThat(first.metrics()).containsEntry("mae", 0.191).containsEntry("rmse", 0.3).containsEntry("r2", 0.81);
    assertThat(first.training()).containsEntry("git_sha", "4f1c2e9");
    assertThat(runs.get(2).verdicts()).singleElement().extracting(GateVerdict::passed).isEqualTo(false);
    assertThat(runs.get(2).error()).contains("refused by 1 gate");
    assertThat(runs.get(3).error()).contains("disk full");
    assertThat(store.keys()).filteredOn(k -> k.startsWith(MODEL + "/runs/")).hasSize(4)
        .allMatch(k -> k.matches(MODEL + "/runs/[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\\.json"));
  }

  @Test
  void aMalformedRunRecordIsSkippedAndTheOthersAreListed() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("mae", 0.2)));
    store.put(MODEL + "/runs/20260301-000000-00000000.json", "{\"run_id\": \"other\"}".getBytes(UTF_8));
    store.put(MODEL + "/runs/not-a-run.json", "{}".getBytes(UTF_8));
    assertThat(publisher.catalog().runs(MODEL)).singleElement().extracting(RunRecord::status)
        .isEqualTo(RunRecord.Status.COMPLETED);
  }

  // ------------------------------------------------------------------ states

  @Test
  void everyStateOfAVersionIsVisibleInTheCatalog() throws IOException {
    ModelPublisher publisher = publisher(Policy.builder().gate("accuracy >= 0.70").build());
    for (int i = 1; i <= 5; i++) {
      publisher.publish(MODEL, version(Map.of("accuracy", 0.71 + i / 100.0)));
    }
    publisher.promote(MODEL, "v1", null);
    publisher.promote(MODEL, "v2", null);
    publisher.startCanary(MODEL, "v3", 10, null);
    publisher.startShadow(MODEL, "v4", 0.5, null);
    publisher.publishAndPromote(MODEL, version(Map.of("accuracy", 0.5)), "nightly"); // v6, refused
    store.put(MODEL + "/v7/.claim.json", "{}".getBytes(UTF_8));
    store.put(MODEL + "/v8/model.json", "{}".getBytes(UTF_8));
    publisher.prune(MODEL, Retention.keepLast(3)); // v5 is the only one no rule keeps

    ModelCatalog catalog = ModelCatalog.of(store);
    Map<String, EnumSet<VersionState>> states = new java.util.TreeMap<>();
    for (VersionStatus v : catalog.versions(MODEL)) {
      states.put(v.version().value(), v.states().isEmpty() ? EnumSet.noneOf(VersionState.class) : EnumSet.copyOf(v.states()));
    }
    assertThat(states).containsEntry("v1", EnumSet.of(VersionState.COMPLETE, VersionState.PREVIOUS))
        .containsEntry("v2", EnumSet.of(VersionState.COMPLETE, VersionState.SERVING))
        .containsEntry("v3", EnumSet.of(VersionState.COMPLETE, VersionState.CANARY))
        .containsEntry("v4", EnumSet.of(VersionState.COMPLETE, VersionState.SHADOW))
        .containsEntry("v5", EnumSet.of(VersionState.ARCHIVED))
        .containsEntry("v6", EnumSet.of(VersionState.COMPLETE, VersionState.REFUSED))
        .containsEntry("v7", EnumSet.of(VersionState.INCOMPLETE))
        .containsEntry("v8", EnumSet.of(VersionState.UNVERIFIED));
    assertThat(catalog.models()).containsExactly(MODEL);
    assertThat(catalog.versions(MODEL).get(0).info().metrics()).containsEntry("accuracy", 0.72);
  }

  @Test
  void theCatalogListsModelsButNotFoldersStartingWithAnUnderscore() {
    store.put("_experiments/pricing.json", "{}".getBytes(UTF_8));
    store.put("a_model/v1/model.json", "{}".getBytes(UTF_8));
    store.put("b_model/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8));
    store.put("notes/readme.txt", "x".getBytes(UTF_8));
    assertThat(ModelCatalog.of(store).models()).containsExactly("a_model", "b_model");
  }

  // ------------------------------------------------------------------ verification

  @Test
  void aRollBackToACorruptVersionIsRefusedBeforeThePointerMoves() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("mae", 0.2)));
    publisher.publish(MODEL, version(Map.of("mae", 0.1)));
    publisher.promote(MODEL, "v1", null);
    publisher.promote(MODEL, "v2", null);
    byte[] file = store.get(MODEL + "/v1/model.bin");
    file[0] ^= 1;
    store.put(MODEL + "/v1/model.bin", file);

    assertThatThrownBy(() -> publisher.rollback(MODEL, "v2 is bad"))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("cannot point to v1: it fails verification: model.bin has sha256");
    assertThat(publisher.pointer(MODEL).orElseThrow().version().value()).isEqualTo("v2");
    store.delete(MODEL + "/v1/model.bin");
    assertThat(publisher.catalog().verify(MODEL, "v1").problems()).singleElement().asString()
        .contains("model.bin is missing");
  }

  @Test
  void verificationReadsNoMoreThanTheManifestSaysPlusOneByte() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("mae", 0.2)));
    byte[] file = store.get(MODEL + "/v1/model.bin");
    byte[] grown = java.util.Arrays.copyOf(file, file.length + 10_000_000);
    store.put(MODEL + "/v1/model.bin", grown);
    long before = store.bytesServed();
    Verification v = publisher.catalog().verify(MODEL, "v1");
    assertThat(v.ok()).isFalse();
    assertThat(v.problems()).singleElement().asString().contains("more than the " + file.length + " bytes");
    assertThat(v.bytes()).isLessThanOrEqualTo(file.length + 1L + 4096);
    assertThat(store.bytesServed() - before).isGreaterThan(0);
  }

  // ------------------------------------------------------------------ retention

  @Test
  void pruneKeepsNewerThanADurationAndWhatThePolicySaysAndADryRunChangesNothing() {
    policyFile("{\"retention\": {\"keep_last\": 2}}");
    ModelPublisher publisher = publisher();
    for (int i = 1; i <= 6; i++) {
      publisher.publish(MODEL, version(Map.of("mae", 0.2)));
      clock.advance(Duration.ofDays(10));
    }
    publisher.promote(MODEL, "v6", null);
    // now = day 60; v1 at day 0 ... v6 at day 50
    List<String> before = store.keys();
    PruneReport preview = publisher.previewPrune(MODEL, Retention.keepNewerThan(Duration.ofDays(35)));
    assertThat(store.keys()).isEqualTo(before);
    assertThat(preview.deleted()).extracting(VersionId::value).containsExactly("v1", "v2", "v3");
    assertThat(preview.kept()).containsEntry(VersionId.of("v4"), "newer than PT840H")
        .containsEntry(VersionId.of("v5"), "among the newest 2");

    PruneReport pruned = publisher.prune(MODEL, Retention.keepNewerThan(Duration.ofDays(35))
        .protecting(java.util.Set.of(VersionId.of("v1"))));
    assertThat(pruned.deleted()).extracting(VersionId::value).containsExactly("v2", "v3");
    assertThat(pruned.kept()).containsEntry(VersionId.of("v1"), "protected (pinned)");
    assertThat(store.keys()).noneMatch(k -> k.startsWith(MODEL + "/v2/"));
    assertThat(new String(store.get(MODEL + "/archived/v2.json"), UTF_8)).contains("\"archived_by\" : \"trainer\"");
  }

  @Test
  void pruneAfterPublishUsesThePolicyAndNeverFailsThePublish() {
    policyFile("{\"retention\": {\"keep_last\": 2}}");
    ModelPublisher publisher = ModelPublisher.builder(store).clock(clock).pruneAfterPublish().build();
    for (int i = 1; i <= 5; i++) {
      publisher.publishAndPromote(MODEL, version(Map.of("mae", 0.2)), null);
    }
    assertThat(publisher.catalog().archived(MODEL)).extracting(VersionId::value)
        .containsExactlyInAnyOrder("v1", "v2", "v3");
    assertThat(publisher.versions(MODEL)).extracting(v -> v.version().value()).containsExactly("v4", "v5");
    assertThatThrownBy(() -> ModelPublisher.builder(store).pruneAfterPublish().pruneAfterPublish())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPruneThatStoppedMidwayIsFinishedByTheNextAndItsVersionStaysUnserved() {
    ModelPublisher publisher = publisher();
    for (int i = 1; i <= 3; i++) {
      publisher.publish(MODEL, version(Map.of("mae", 0.2)));
    }
    publisher.promote(MODEL, "v3", null);
    store.put(MODEL + "/archived/v1.json", "{\"version\": \"v1\"}".getBytes(UTF_8)); // marked, files not deleted yet
    store.delete(MODEL + "/v1/manifest.json");

    assertThatThrownBy(() -> publisher.promote(MODEL, "v1", null)).hasMessageContaining("v1: it is archived");
    PruneReport report = publisher.prune(MODEL, Retention.keepLast(5));
    assertThat(report.deleted()).extracting(VersionId::value).containsExactly("v1");
    assertThat(store.keys()).noneMatch(k -> k.startsWith(MODEL + "/v1/"));
    assertThat(publisher.catalog().versions(MODEL)).extracting(v -> v.version().value())
        .containsExactly("v1", "v2", "v3");
    assertThat(publisher.catalog().versions(MODEL).get(0).states()).containsExactly(VersionState.ARCHIVED);
  }

  @Test
  void pruneRefusesAModelWithoutAPointer() {
    ModelPublisher publisher = publisher();
    publisher.publish(MODEL, version(Map.of("mae", 0.2)));
    assertThatThrownBy(() -> publisher.prune(MODEL, Retention.keepLast(1)))
        .isInstanceOf(PublishException.class).hasMessageContaining("no pointer yet");
  }

  /** A clock moved by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
