package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.internal.StorageFormat;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files that rollouts and quality watching read from a store, written by others: each hostile one is
 * refused with a message that names the file and what is wrong. (A registry then keeps what it had: see
 * {@code ExperimentTest} and {@code RolloutTest}.)
 */
class HostileRolloutFilesTest {

  static Stream<Arguments> experiments() {
    String many = "{\"variants\": [" + "{\"name\": \"v\", \"model\": \"m\", \"weight\": 1},".repeat(1001)
        + "{\"name\": \"w\", \"model\": \"m\", \"weight\": 1}]}";
    return Stream.of(
        Arguments.of("not an object", "[1, 2]", "must be a JSON object"),
        Arguments.of("trailing content", "{\"variants\": []}{}", "more content after"),
        Arguments.of("a field twice", "{\"variants\": [], \"variants\": []}", "more than once"),
        Arguments.of("no variants", "{\"variants\": []}", "no variants"),
        Arguments.of("variants not an array", "{\"variants\": 3}", "\"variants\" must be an array"),
        Arguments.of("a fractional weight", "{\"variants\": [{\"name\": \"a\", \"model\": \"m\", \"weight\": 0.5}]}",
            "integer \"weight\""),
        Arguments.of("a negative weight", "{\"variants\": [{\"name\": \"a\", \"model\": \"m\", \"weight\": -1}]}",
            "negative weight"),
        Arguments.of("weights that overflow", "{\"variants\": [{\"name\": \"a\", \"model\": \"m\", \"weight\": 2147483647},"
            + " {\"name\": \"b\", \"model\": \"m\", \"weight\": 2147483647}]}", "add up to"),
        Arguments.of("a model name that escapes", "{\"variants\": [{\"name\": \"a\", \"model\": \"../x\", \"weight\": 1}]}",
            "model name '../x' is not valid"),
        Arguments.of("another experiment's name", "{\"name\": \"other\", \"variants\": []}", "names the experiment 'other'"),
        Arguments.of("enabled not a boolean", "{\"enabled\": \"yes\", \"variants\": []}", "\"enabled\" must be true or false"),
        Arguments.of("too many variants", many, "more than the 1000"));
  }

  @ParameterizedTest(name = "experiment: {0}")
  @MethodSource("experiments")
  void aHostileExperimentFileIsRefused(String what, String content, String message) {
    assertThatThrownBy(() -> StorageFormat.parseExperiment("rec", content.getBytes(StandardCharsets.UTF_8)))
        .as(what).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  static Stream<Arguments> references() {
    return Stream.of(
        Arguments.of("not an object", "\"x\"", "\"reference\" must be an object"),
        Arguments.of("edges not ascending", "{\"f\": {\"edges\": [2, 1], \"proportions\": [0.3, 0.3, 0.4]}}",
            "ascending"),
        Arguments.of("a missing proportion", "{\"f\": {\"edges\": [1], \"proportions\": [1.0]}}", "one more proportion"),
        Arguments.of("shares that do not add up", "{\"f\": {\"edges\": [1], \"proportions\": [0.9, 0.9]}}", "add up to 1"),
        Arguments.of("a negative share", "{\"f\": {\"edges\": [1], \"proportions\": [-0.5, 1.5]}}", "in [0, 1]"),
        Arguments.of("too many bins", "{\"f\": {\"edges\": [" + "1,".repeat(40) + "2], \"proportions\": [1]}}",
            "at most 30"),
        Arguments.of("text for a number", "{\"f\": {\"edges\": [\"1\"], \"proportions\": [0.5, 0.5]}}", "must be numbers"),
        Arguments.of("a feature that is not an object", "{\"f\": [1]}", "must be an object"));
  }

  @ParameterizedTest(name = "manifest reference: {0}")
  @MethodSource("references")
  void aHostileManifestReferenceIsRefused(String what, String reference, String message) {
    String manifest = "{\"model\": \"m\", \"version\": \"v1\", \"format\": \"linear\", \"files\": [],"
        + " \"reference\": " + reference + "}";
    assertThatThrownBy(() -> StorageFormat.parseManifest("m", VersionId.of("v1"),
            manifest.getBytes(StandardCharsets.UTF_8)))
        .as(what).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
