package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.linear.LinearModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Outcome feedback, performance drift against the baseline, input drift against the training reference,
 * and the automatic actions, on synthetic streams and manual time.
 */
class QualityTest extends RegistryHarness {

  private static final List<String> FEATURES = List.of("home_win_pct", "away_win_pct", "run_rate");

  private static Publication classifier(float value, double accuracy) {
    return Publication.builder()
        .file("model.json", LinearModel.constant(value, 3).toJson())
        .features(FEATURES)
        .metrics(Map.of("accuracy", accuracy))
        .build();
  }

  private ModelRegistry.Builder watched(QualityPolicy policy) {
    return manual(Duration.ofHours(1), Duration.ofHours(2)).model(MODEL).quality(MODEL, policy);
  }

  /** A binary classifier's outcome: right with probability {@code accuracy}; labels flipped if asked. */
  private static Outcome outcome(Random random, String version, Arm arm, double accuracy, boolean flipped) {
    int y = random.nextBoolean() ? 1 : 0;
    boolean right = random.nextDouble() < accuracy;
    float p = (y == 1) == right ? 0.8f : 0.2f;
    return Outcome.of(MODEL, version, arm, new float[] {p}, flipped ? 1 - y : y);
  }

  @Test
  void labelsThatFlipAfterOutcome500AreDetectedWithinTheWindowAndNotBefore() {
    publisher.publish(MODEL, classifier(1, 0.72));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(watched(QualityPolicy.defaults()));
    Random random = new Random(7);
    int detectedAt = -1;
    for (int i = 1; i <= 1000 && detectedAt < 0; i++) {
      registry.recordOutcome(outcome(random, "v1", Arm.STABLE, 0.72, i > 500));
      scheduler.advance(Duration.ofSeconds(1));
      if (!events.of(RegistryEvent.QualityChanged.class).isEmpty()) {
        detectedAt = i;
      }
    }
    assertThat(detectedAt).as("detected after the flip, within the 50-outcome window").isBetween(501, 550);
    RegistryEvent.QualityChanged changed = events.of(RegistryEvent.QualityChanged.class).get(0);
    assertThat(changed.quality().state()).isEqualTo(QualityReport.State.DEGRADED);
    assertThat(changed.quality().breaches()).singleElement().asString()
        .startsWith("accuracy ").contains("< 0.72 - 0.05 over the last 50 outcomes");
    assertThat(registry.quality(MODEL).degraded()).isTrue();
    System.out.printf("flipped labels detected %d outcomes after the flip: %s%n", detectedAt - 500,
        changed.quality().breaches());
  }

  @Test
  void aStableStreamRaisesNoAlarmOver100000OutcomesAtTheDefaultSettings() {
    publisher.publish(MODEL, classifier(1, 0.72));
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(watched(QualityPolicy.defaults()));
    Random random = new Random(11);
    for (int i = 0; i < 100_000; i++) {
      registry.recordOutcome(outcome(random, "v1", Arm.STABLE, 0.72, false));
      if (i % 5 == 4) {
        scheduler.advance(Duration.ofSeconds(1));
      }
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(events.of(RegistryEvent.QualityChanged.class)).isEmpty();
    QualityReport.ArmQuality arm = registry.quality(MODEL).arms().get(0);
    assertThat(arm.state()).isEqualTo(QualityReport.State.OK);
    assertThat(arm.outcomes()).isEqualTo(50);
    assertThat(arm.observed()).containsKeys("accuracy", "log_loss", "brier", "roc_auc");
  }

  @Test
  void theSeedsLiteralRuleAlarmsOnNoiseWhichIsWhyTheDefaultAlsoAsksForSignificance() {
    publisher.publish(MODEL, classifier(1, 0.72));
    publisher.promote(MODEL, "v1", null);
    QualityPolicy literal = QualityPolicy.builder().window(50)
        .threshold("accuracy", QualityPolicy.Threshold.absolute(0.05)).significance(0).build();
    ModelRegistry registry = build(watched(literal));
    Random random = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      registry.recordOutcome(outcome(random, "v1", Arm.STABLE, 0.72, false));
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(events.of(RegistryEvent.QualityChanged.class)).as("alarms on an unchanged model").isNotEmpty();
  }

  @Test
  void aShiftedFeatureCrossesThePsiAlarmAndAnUnshiftedOneDoesNot() {
    Random random = new Random(3);
    float[][] training = new float[5000][3];
    for (float[] row : training) {
      row[0] = (float) random.nextGaussian();
      row[1] = (float) random.nextGaussian();
      row[2] = random.nextFloat() < 0.1 ? Float.NaN : (float) random.nextGaussian();
    }
    publisher.publish(MODEL, Publication.builder()
        .file("model.json", LinearModel.constant(1, 3).toJson())
        .features(FEATURES).reference(training).metrics(Map.of("accuracy", 0.7)).build());
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(watched(QualityPolicy.builder().inputSampling(16).driftWindow(500).build()));
    Model model = registry.current(MODEL);

    for (int i = 0; i < 16 * 1000; i++) {
      model.predict(new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(),
          random.nextFloat() < 0.1 ? Float.NaN : (float) random.nextGaussian()});
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(events.of(RegistryEvent.InputDrifted.class)).as("same distribution").isEmpty();
    assertThat(registry.quality(MODEL).inputs()).hasSize(3)
        .allSatisfy(d -> assertThat(d.psi()).isLessThan(0.1));

    for (int i = 0; i < 16 * 500; i++) {
      model.predict(new float[] {(float) random.nextGaussian() + 1.5f, (float) random.nextGaussian(),
          random.nextFloat() < 0.1 ? Float.NaN : (float) random.nextGaussian()});
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(events.of(RegistryEvent.InputDrifted.class)).singleElement().satisfies(e -> {
      assertThat(e.drift().feature()).isEqualTo("home_win_pct");
      assertThat(e.drift().level()).isEqualTo(QualityReport.DriftLevel.ALARM);
      assertThat(e.drift().psi()).isGreaterThan(0.25);
      assertThat(e.drift().jsDistance()).isBetween(0.0, 1.0);
    });
  }

  @Test
  void aDegradedStableVersionIsRolledBackOnce() {
    publisher.publish(MODEL, classifier(1, 0.72));
    publisher.publish(MODEL, classifier(2, 0.72));
    publisher.promote(MODEL, "v1", null);
    publisher.promote(MODEL, "v2", null);
    ModelRegistry registry = build(watched(QualityPolicy.builder().action(QualityPolicy.Action.ROLL_BACK).build())
        .qualityPublisher(publisher));
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      registry.recordOutcome(outcome(random, "v2", Arm.STABLE, 0.40, false));
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    List<PointerMove> rollbacks = publisher.history(MODEL).stream().filter(m -> m.action().equals("rollback")).toList();
    assertThat(rollbacks).singleElement().satisfies(m -> {
      assertThat(m.from().value()).isEqualTo("v2");
      assertThat(m.reason()).startsWith("automatic: accuracy ").contains("< 0.72 - 0.05 over the last 50 outcomes");
    });
  }

  @Test
  void aDegradedCanaryIsAbortedBeforeItBecomesStable() {
    publisher.publish(MODEL, classifier(1, 0.72));
    publisher.publish(MODEL, classifier(2, 0.72));
    publisher.promote(MODEL, "v1", null);
    publisher.startCanary(MODEL, "v2", 50, null);
    ModelRegistry registry = build(watched(QualityPolicy.builder().action(QualityPolicy.Action.ROLL_BACK).build())
        .qualityPublisher(publisher));
    assertThat(registry.status(MODEL).rollout().canaryVersion()).isEqualTo("v2");
    Random random = new Random(9);
    for (int i = 0; i < 300; i++) {
      registry.recordOutcome(outcome(random, "v1", Arm.STABLE, 0.72, false));
      registry.recordOutcome(outcome(random, "v2", Arm.CANARY, 0.40, false));
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(publisher.pointer(MODEL).orElseThrow().canary()).isNull();
    assertThat(registry.status(MODEL).rollout().canaryVersion()).isNull();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(publisher.history(MODEL)).extracting(PointerMove::action).containsExactly("promote", "canary-start",
        "canary-abort");
  }

  @Test
  void aRegressorIsJudgedByMaeAndRmse() {
    publisher.publish(MODEL, Publication.builder()
        .file("model.json", LinearModel.constant(10, 3).toJson())
        .features(FEATURES).metrics(Map.of("mae", 1.0, "rmse", 1.2)).build());
    publisher.promote(MODEL, "v1", null);
    ModelRegistry registry = build(watched(QualityPolicy.defaults()));
    Random random = new Random(1);
    for (int i = 0; i < 50; i++) {
      registry.recordOutcome(Outcome.of(MODEL, "v1", new float[] {10f}, 10 + random.nextGaussian()));
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(registry.quality(MODEL).arms().get(0).state()).isEqualTo(QualityReport.State.OK);
    for (int i = 0; i < 50; i++) {
      registry.recordOutcome(Outcome.of(MODEL, "v1", new float[] {10f}, 13 + random.nextGaussian()));
    }
    scheduler.advance(Duration.ofSeconds(1));
    QualityReport.ArmQuality arm = registry.quality(MODEL).arms().get(0);
    assertThat(arm.state()).isEqualTo(QualityReport.State.DEGRADED);
    assertThat(arm.breaches()).anySatisfy(b -> assertThat(b).startsWith("mae "));
  }
}
