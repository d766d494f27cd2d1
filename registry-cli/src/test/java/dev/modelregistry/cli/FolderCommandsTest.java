package dev.modelregistry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command on a folder store, and what is particular to the command line itself. */
class FolderCommandsTest extends CommandsContract {

  Path root() {
    return work.resolve("store");
  }

  @Override
  List<String> storeArgs() {
    return List.of("--store", root().toUri().toString());
  }

  @Override
  void putObject(String key, byte[] content) throws IOException {
    Path file = root().resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  @Test
  void aPlainPathIsAStoreToo() throws IOException {
    twoVersions();

    Cli.Run run = cli.run("models", "--store", root().toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains(MODEL);
  }

  @Test
  void aStoreFolderThatDoesNotExistIsNotFoundForReads() {
    Cli.Run run = cli.run("models", "--store", work.resolve("typo").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run.err()).isEqualTo("error: store folder " + work.resolve("typo") + " does not exist\n");
  }

  @Test
  void withoutAStoreItSaysHowToGiveOne() {
    Cli.Run run = cli.run("models");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("no store given; pass --store");
  }

  @Test
  void s3OptionsOnAFolderAreRefused() {
    Cli.Run run = cli.run("models", "--store", root().toString(), "--path-style");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("apply to s3:// stores");
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    Cli.Run command = cli.run("pubish");
    assertThat(command.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(command.err()).contains("Unmatched argument").contains("publish");

    assertThat(cli.run("models", "--jsn").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run().exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void helpListsTheCommandsAndExitCodes() {
    Cli.Run run = cli.run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("models", "versions", "show", "history", "publish", "promote", "rollback", "verify")
        .contains("Exit codes:").contains("verify: unverified, the version has no manifest");
  }

  @Test
  void aStackTraceOnlyWithVerbose() {
    List<String> args = List.of("rollback", "no_such_model", "--reason", "x", "--store", root().toString());

    Cli.Run plain = cli.run(args.toArray(String[]::new));
    assertThat(plain.err().lines().count()).isEqualTo(1);

    Cli.Run publish = run("publish", "Bad/Name", work.toString(), "--verbose");
    assertThat(publish.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(publish.err()).contains("\tat dev.modelregistry.");
  }

  @Test
  void aStoreErrorSaysWhatFailedAndWhy() throws IOException {
    putObject(MODEL + "/latest.json", "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    Cli.Run run = run("show", MODEL);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.STORE_ERROR);
    assertThat(run.err()).startsWith("error: ").contains("latest.json").doesNotContain("\tat ");
  }

  @Test
  void slowTransfersReportProgressOnStandardError() throws IOException {
    Path out = trainingOutput("big", 0.5f, 0.9);
    Files.write(out.resolve("weights.bin"), new byte[3 * 1024 * 1024]);
    cli.ticking(400); // every reading of the clock: 0.4 s later

    Cli.Run publish = run("publish", MODEL, out.toString(), "--promote");
    assertThat(publish.exitCode()).as(publish.err()).isZero();
    assertThat(publish.out()).isEqualTo("v1\n");
    assertThat(publish.err()).containsPattern("uploading t20_win_predictor/v1/weights.bin: [0-9.]+ [KM]iB of 3.0 MiB \\(\\d+%\\)")
        .contains("uploading t20_win_predictor/v1/weights.bin: 3.0 MiB in ");

    Cli.Run verify = run("verify", MODEL);
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.err()).contains("downloading weights.bin: ").contains(" of 3.0 MiB (");
    assertThat(verify.out()).doesNotContain("downloading");
  }

  @Test
  void quickTransfersPrintNoProgress() throws IOException {
    Path out = trainingOutput("big", 0.5f, 0.9);
    Files.write(out.resolve("weights.bin"), new byte[3 * 1024 * 1024]);

    Cli.Run publish = run("publish", MODEL, out.toString(), "--promote");

    assertThat(publish.err()).doesNotContain("uploading");
    assertThat(run("verify", MODEL).err()).isEmpty();
  }
}
