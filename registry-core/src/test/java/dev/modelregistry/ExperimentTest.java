package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Experiments across models: the store's file, sticky assignment by Unleash's variant bucketing, counts. */
class ExperimentTest extends RegistryHarness {

  private static final String EXPERIMENT = "rec_algorithm_v1";
  private static final List<String> VARIANTS = List.of("control", "collaborative_filtering", "content_based", "hybrid");

  private ModelRegistry fourVariants() {
    for (int i = 0; i < 4; i++) {
      String model = "rec_" + i;
      publisher.publish(model, constant(i));
      publisher.promote(model, "v1", null);
    }
    publisher.writeExperiment(new ExperimentDefinition(EXPERIMENT, null, true, List.of(
        new ExperimentDefinition.Variant(VARIANTS.get(0), "rec_0", 25),
        new ExperimentDefinition.Variant(VARIANTS.get(1), "rec_1", 25),
        new ExperimentDefinition.Variant(VARIANTS.get(2), "rec_2", 25),
        new ExperimentDefinition.Variant(VARIANTS.get(3), "rec_3", 25))), "launch");
    return build(builder().model("rec_0").model("rec_1").model("rec_2").model("rec_3").experiment(EXPERIMENT));
  }

  @Test
  void eachUserGetsOneVariantAndItsModelAndAssignmentsAreCounted() {
    ModelRegistry registry = fourVariants();
    Experiment experiment = registry.experiment(EXPERIMENT);
    int[] seen = new int[4];
    for (int i = 0; i < 40_000; i++) {
      String user = "user-" + i;
      Experiment.Assignment a = experiment.forUnit(user);
      assertThat(experiment.forUnit(user).variant()).isEqualTo(a.variant());
      int index = VARIANTS.indexOf(a.variant());
      assertThat(a.model().predict(row())).as("variant %s is served by rec_%d", a.variant(), index)
          .containsExactly((float) index);
      seen[index]++;
    }
    for (int count : seen) {
      assertThat(count / 40_000.0).isCloseTo(0.25, within(0.015));
    }
    Map<String, Long> assignments = experiment.assignments();
    assertThat(assignments.keySet()).containsExactlyElementsOf(VARIANTS);
    assertThat(assignments.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(80_000);
  }

  @Test
  void assignmentIsUnleashsVariantSelection() {
    ModelRegistry registry = fourVariants();
    // The variant Unleash gives "user-1" for a feature named rec_algorithm_v1 with four variants of weight 25:
    // target = murmur3("rec_algorithm_v1:user-1", 86028157) % 100 + 1; the same target is in sdk-vectors.json.
    int target = dev.modelregistry.internal.BucketsAccess.variantTarget(EXPERIMENT, "user-1", 100);
    String expected = VARIANTS.get((target - 1) / 25);
    assertThat(registry.experiment(EXPERIMENT).forUnit("user-1").variant()).isEqualTo(expected);
  }

  @Test
  void aChangedFileIsFollowedAndADisabledExperimentGivesTheFirstVariant() {
    ModelRegistry registry = fourVariants();
    publisher.writeExperiment(new ExperimentDefinition(EXPERIMENT, null, false, List.of(
        new ExperimentDefinition.Variant("control", "rec_0", 50),
        new ExperimentDefinition.Variant("hybrid", "rec_3", 50))), "pause");
    registry.refresh();
    for (int i = 0; i < 100; i++) {
      assertThat(registry.experiment(EXPERIMENT).forUnit("u" + i).variant()).isEqualTo("control");
    }
    assertThat(registry.experiment(EXPERIMENT).definition().enabled()).isFalse();
  }

  @Test
  void aBadFileLeavesTheLastDefinitionInForce() {
    ModelRegistry registry = fourVariants();
    String before = registry.experiment(EXPERIMENT).forUnit("u1").variant();
    memory.put("_experiments/" + EXPERIMENT + ".json",
        "{\"variants\": [{\"name\": \"a\", \"model\": \"not_declared\", \"weight\": 1}]}".getBytes(StandardCharsets.UTF_8));
    registry.refresh();
    assertThat(registry.experiment(EXPERIMENT).forUnit("u1").variant()).isEqualTo(before);
    memory.put("_experiments/" + EXPERIMENT + ".json", "{\"variants\": 3}".getBytes(StandardCharsets.UTF_8));
    registry.refresh();
    assertThat(registry.experiment(EXPERIMENT).forUnit("u1").variant()).isEqualTo(before);
  }

  @Test
  void undeclaredAndMissingExperimentsSaySo() {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).experiment("missing_one"));
    assertThatThrownBy(() -> registry.experiment("other"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not declared");
    assertThatThrownBy(() -> registry.experiment("missing_one").forUnit("u"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("_experiments/missing_one.json");
  }

  @Test
  void definitionsAreValidated() {
    assertThatThrownBy(() -> new ExperimentDefinition("x", null, true, List.of()))
        .hasMessageContaining("no variants");
    assertThatThrownBy(() -> new ExperimentDefinition("x", null, true, List.of(
        new ExperimentDefinition.Variant("a", "m", 0))))
        .hasMessageContaining("add up to between 1");
    assertThatThrownBy(() -> new ExperimentDefinition("x", null, true, List.of(
        new ExperimentDefinition.Variant("a", "m", 1), new ExperimentDefinition.Variant("a", "n", 1))))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new ExperimentDefinition.Variant("a", "m", -1)).hasMessageContaining("negative");
  }
}
