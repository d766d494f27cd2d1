package dev.modelregistry.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelregistry.linear.LinearModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command against one kind of store: a subclass gives the store's options and a way to write
 * objects behind the tool's back, so the folder and S3 runs check the same behaviour.
 */
abstract class CommandsContract {

  static final String MODEL = "t20_win_predictor";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  final Cli cli = new Cli();

  /** The store options, {@code --store ...} and for S3 the client options. */
  abstract List<String> storeArgs();

  /** Writes an object under the store's root, as a script would, bypassing the publisher. */
  abstract void putObject(String key, byte[] content) throws IOException;

  Cli.Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(storeArgs());
    return cli.run(all.toArray(String[]::new));
  }

  JsonNode json(Cli.Run run) throws IOException {
    assertThat(run.exitCode()).as(run.err()).isZero();
    return JSON.readTree(run.out());
  }

  /** A folder holding a linear model whose output is {@code value}, with metrics and schema files. */
  Path trainingOutput(String name, float value, double accuracy) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    Files.write(dir.resolve("model.json"), LinearModel.constant(value, 3).toJson());
    Files.writeString(dir.resolve("metrics.json"), "{\"accuracy\": " + accuracy + "}");
    Files.writeString(dir.resolve("schema.json"), "{\"features\": [\"runs_needed\", \"balls_left\", \"wickets_left\"]}");
    return dir;
  }

  /** Publishes two versions and promotes both: v2 serving, v1 previous. */
  void twoVersions() throws IOException {
    assertThat(run("publish", MODEL, trainingOutput("a", 0.25f, 0.9).toString(), "--promote", "--reason", "first").out())
        .isEqualTo("v1\n");
    assertThat(run("publish", MODEL, trainingOutput("b", 0.75f, 0.92).toString(), "--promote", "--reason", "retrain").out())
        .isEqualTo("v2\n");
  }

  @Test
  void publishPrintsTheVersionAndWritesAVerifiedVersion() throws IOException {
    Cli.Run run = run("publish", MODEL, trainingOutput("out", 0.5f, 0.9).toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("v1\n");
    assertThat(run.err()).contains("published " + MODEL + " v1 (linear, 3 files");
    JsonNode show = json(run("show", MODEL, "v1", "--json"));
    assertThat(show.get("state").asText()).isEqualTo("complete");
    assertThat(show.get("role").isNull()).isTrue();
    assertThat(show.get("pointer").isNull()).isTrue();
    assertThat(show.get("metrics").get("accuracy").asDouble()).isEqualTo(0.9);
    assertThat(show.get("features")).hasSize(3);
    assertThat(show.get("files").findValuesAsText("name")).containsExactly("metrics.json", "model.json", "schema.json");
    assertThat(show.get("files").get(1).get("sha256").asText()).hasSize(64);
  }

  @Test
  void theShellCommandLineOfAPythonTrainingJobPublishesAndPromotes() throws IOException {
    Path out = Files.createDirectories(work.resolve("out"));
    Files.write(out.resolve("model.json"), LinearModel.constant(0.5f, 3).toJson());
    String commandLine = "publish " + MODEL + " " + out
        + " --metric accuracy=0.738 --metric roc_auc=0.812 --features runs_needed,balls_left,wickets_left"
        + " --training rows=18234 --training git_sha=4f1c2e9 --promote --reason \"weekly retrain\"";

    Cli.Run run = run(Cli.shell(commandLine));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("v1\n");
    JsonNode show = json(run("show", MODEL, "--json"));
    assertThat(show.get("version").asText()).isEqualTo("v1");
    assertThat(show.get("role").asText()).isEqualTo("serving");
    assertThat(show.get("pointer").get("reason").asText()).isEqualTo("weekly retrain");
    assertThat(show.get("metrics").get("roc_auc").asDouble()).isEqualTo(0.812);
    assertThat(show.get("features").toString()).isEqualTo("[\"runs_needed\",\"balls_left\",\"wickets_left\"]");
    assertThat(show.get("training").get("git_sha").asText()).isEqualTo("4f1c2e9");
  }

  @Test
  void modelsListsEveryModel() throws IOException {
    twoVersions();
    run("publish", "other_model", trainingOutput("c", 1f, 0.5).toString());

    JsonNode models = json(run("models", "--json")).get("models");
    assertThat(models.findValuesAsText("model")).containsExactly("other_model", MODEL);
    assertThat(models.get(1).get("serving").asText()).isEqualTo("v2");
    assertThat(models.get(1).get("versions").asInt()).isEqualTo(2);
    assertThat(models.get(0).get("serving").isNull()).isTrue();

    Cli.Run table = run("models");
    assertThat(table.out()).startsWith("MODEL").contains(MODEL).contains("other_model");
  }

  @Test
  void versionsSayWhichIsServingAndWhichPrevious() throws IOException {
    twoVersions();

    JsonNode versions = json(run("versions", MODEL, "--json"));

    assertThat(versions.get("serving").asText()).isEqualTo("v2");
    assertThat(versions.get("previous").asText()).isEqualTo("v1");
    JsonNode v1 = versions.get("versions").get(0);
    assertThat(v1.get("version").asText()).isEqualTo("v1");
    assertThat(v1.get("state").asText()).isEqualTo("complete");
    assertThat(v1.get("role").asText()).isEqualTo("previous");
    assertThat(v1.get("format").asText()).isEqualTo("linear");
    assertThat(v1.get("size").asLong()).isPositive();
    assertThat(v1.get("created_at").asText()).isNotBlank();
    assertThat(v1.get("metrics").get("accuracy").asDouble()).isEqualTo(0.9);
    assertThat(versions.get("versions").get(1).get("role").asText()).isEqualTo("serving");

    Cli.Run table = run("versions", MODEL);
    assertThat(table.out().lines().toList()).hasSize(3);
    assertThat(table.out().lines().skip(2).findFirst().orElseThrow()).contains("v2", "complete", "serving", "accuracy=0.92");
  }

  @Test
  void showDefaultsToThePointersVersion() throws IOException {
    twoVersions();

    Cli.Run run = run("show", MODEL);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("v2 (serving)").contains("previous v1").contains("accuracy=0.92")
        .contains("runs_needed, balls_left, wickets_left").contains("model.json").contains("sha256 ");
  }

  @Test
  void historyListsEveryMove() throws IOException {
    twoVersions();
    run("rollback", MODEL, "--reason", "accuracy dropped", "--as", "oncall@example");

    JsonNode history = json(run("history", MODEL, "--json")).get("history");

    assertThat(history).hasSize(3);
    assertThat(history.get(2).get("sequence").asLong()).isEqualTo(3);
    assertThat(history.get(2).get("action").asText()).isEqualTo("rollback");
    assertThat(history.get(2).get("from").asText()).isEqualTo("v2");
    assertThat(history.get(2).get("to").asText()).isEqualTo("v1");
    assertThat(history.get(2).get("by").asText()).isEqualTo("oncall@example");
    assertThat(history.get(2).get("reason").asText()).isEqualTo("accuracy dropped");
    assertThat(run("history", MODEL).out()).startsWith("SEQ").contains("accuracy dropped");
  }

  @Test
  void promoteAndRollbackMoveThePointer() throws IOException {
    twoVersions();

    Cli.Run promote = run("promote", MODEL, "v1", "--reason", "v2 misbehaves");
    assertThat(promote.exitCode()).as(promote.err()).isZero();
    assertThat(promote.out()).isEqualTo("model " + MODEL + ": v2 -> v1 (move 3)\n");

    JsonNode rollback = json(run("rollback", MODEL, "--reason", "false alarm", "--json"));
    assertThat(rollback.get("moved").asBoolean()).isTrue();
    assertThat(rollback.get("version").asText()).isEqualTo("v2");
    assertThat(rollback.get("previous").asText()).isEqualTo("v1");
    assertThat(rollback.get("sequence").asLong()).isEqualTo(4);

    Cli.Run again = run("promote", MODEL, "v2", "--reason", "again");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("already names v2; nothing moved");
  }

  @Test
  void canaryAndShadowCommandsMoveThePointerWithHistory() throws IOException {
    twoVersions();
    run("publish", MODEL, trainingOutput("c", 0.6f, 0.93).toString());
    Cli.Run start = run("canary", MODEL, "--start", "v3", "--percent", "10", "--reason", "try v3", "--json");
    assertThat(start.exitCode()).as(start.err()).isZero();
    assertThat(json(start).get("canary").get("version").asText()).isEqualTo("v3");
    assertThat(json(run("canary", MODEL, "--percent", "25", "--reason", "more", "--json")).get("canary")
        .get("percent").asDouble()).isEqualTo(25.0);
    assertThat(run("shadow", MODEL, "--start", "v1", "--sample", "0.5", "--reason", "compare").exitCode()).isZero();
    assertThat(run("shadow", MODEL, "--stop", "--reason", "done").exitCode()).isZero();
    JsonNode promoted = json(run("canary", MODEL, "--promote", "--reason", "v3 wins", "--json"));
    assertThat(promoted.get("version").asText()).isEqualTo("v3");
    assertThat(promoted.has("canary")).isFalse();
    assertThat(run("canary", MODEL, "--abort", "--reason", "none").exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run("canary", MODEL, "--promote", "--abort", "--reason", "x").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(json(run("history", MODEL, "--json")).get("history").findValuesAsText("action"))
        .containsSubsequence("canary-start", "canary-percent", "shadow-start", "shadow-stop", "canary-promote");
  }

  @Test
  void pruneListsWhatItWouldDeleteThenDeletesIt() throws IOException {
    twoVersions();
    run("publish", MODEL, trainingOutput("c", 0.6f, 0.93).toString());
    run("publish", MODEL, trainingOutput("d", 0.7f, 0.94).toString());
    run("promote", MODEL, "v4", "--reason", "newest");
    JsonNode dry = json(run("prune", MODEL, "--keep-last", "1", "--dry-run", "--json"));
    assertThat(dry.get("dry_run").asBoolean()).isTrue();
    assertThat(dry.get("deleted").toString()).contains("v1").doesNotContain("v4").doesNotContain("v2");
    assertThat(json(run("versions", MODEL, "--json")).toString()).contains("\"v1\"");

    Cli.Run prune = run("prune", MODEL, "--keep-last", "1");
    assertThat(prune.exitCode()).as(prune.err()).isZero();
    assertThat(prune.out()).startsWith("model " + MODEL + ": deleted v1");
    assertThat(run("prune", MODEL).exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void verifyChecksEveryFileAgainstTheManifest() throws IOException {
    twoVersions();

    Cli.Run ok = run("verify", MODEL);
    assertThat(ok.exitCode()).as(ok.err()).isEqualTo(ExitCodes.OK);
    assertThat(ok.out()).contains("ok      model.json    sha256 ").contains(MODEL + " v2: every file matches manifest.json (3 files)");

    putObject(MODEL + "/v1/model.json", LinearModel.constant(0.99f, 3).toJson());
    Cli.Run failed = run("verify", MODEL, "v1");
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(failed.out()).contains("FAILED  model.json    manifest: 73 bytes").contains("verification failed: 1 of 3 files");

    JsonNode json = JSON.readTree(run("verify", MODEL, "v1", "--json").out());
    assertThat(json.get("result").asText()).isEqualTo("failed");
    assertThat(json.get("files").get(0).get("ok").asBoolean()).isTrue();
    assertThat(json.get("files").get(1).get("name").asText()).isEqualTo("model.json");
    assertThat(json.get("files").get(1).get("ok").asBoolean()).isFalse();
    assertThat(json.get("files").get(1).get("expected_sha256").asText()).isNotEqualTo(json.get("files").get(1).get("sha256").asText());
  }

  @Test
  void verifyOfAVersionWithoutManifestSaysUnverified() throws IOException {
    putObject(MODEL + "/v1/model.json", LinearModel.constant(0.5f, 3).toJson());
    putObject(MODEL + "/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8));

    Cli.Run run = run("verify", MODEL);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNVERIFIED);
    assertThat(run.out()).contains("unverified: no manifest.json");
    assertThat(json(run("versions", MODEL, "--json")).get("versions").get(0).get("state").asText()).isEqualTo("unverified");
  }

  @Test
  void anIncompleteVersionIsRefused() throws IOException {
    twoVersions();
    putObject(MODEL + "/v3/.claim.json", "{}".getBytes(UTF_8));
    putObject(MODEL + "/v3/model.json", LinearModel.constant(0.5f, 3).toJson());

    Cli.Run promote = run("promote", MODEL, "v3", "--reason", "too early");
    assertThat(promote.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(promote.err()).startsWith("error: model " + MODEL + ": cannot point to v3: it is incomplete");
    assertThat(run("verify", MODEL, "v3").exitCode()).isEqualTo(ExitCodes.REFUSED);
  }

  @Test
  void whatIsNotThereIsNotFound() throws IOException {
    twoVersions();

    Cli.Run model = run("versions", "no_such_model");
    assertThat(model.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(model.err()).startsWith("error: model no_such_model is not in ");
    assertThat(run("show", MODEL, "v9").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run("promote", MODEL, "v9", "--reason", "x").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run("verify", MODEL, "v9").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run("history", "no_such_model").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void rollbackWithNothingToGoBackToIsRefused() throws IOException {
    run("publish", MODEL, trainingOutput("a", 0.25f, 0.9).toString(), "--promote");

    Cli.Run run = run("rollback", MODEL, "--reason", "oops");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("records no previous version").doesNotContain("\tat ");
  }

  @Test
  void badArgumentsAreUsageErrors() throws IOException {
    Path out = trainingOutput("out", 0.5f, 0.9);
    run("publish", MODEL, trainingOutput("first", 0.5f, 0.9).toString());

    Cli.Run name = run("versions", "Bad/Name");
    assertThat(name.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(name.err().lines().count()).isEqualTo(1);
    assertThat(run("promote", MODEL, "v1").exitCode()).isEqualTo(ExitCodes.USAGE); // --reason is required
    assertThat(run("publish", MODEL, out.toString(), "--metric", "accuracy=0.5").err())
        .contains("both --metric and").contains("metrics.json give metrics; give one");
    assertThat(run("publish", MODEL, work.resolve("nowhere").toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
    Files.writeString(out.resolve("scaler.pkl"), "pickle");
    Cli.Run pickle = run("publish", MODEL, out.toString());
    assertThat(pickle.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(pickle.err()).contains("scaler.pkl");
  }
}
