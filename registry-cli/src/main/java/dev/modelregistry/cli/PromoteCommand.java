package dev.modelregistry.cli;

import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code promote <model> <version> --reason ...}: moves the pointer by compare-and-set. */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Move the pointer of a model to a version (compare-and-set), recorded in the history."
        + " Every registry that reads the store follows.")
final class PromoteCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Parameters(index = "1", paramLabel = "<version>", description = "The version to serve, for example v3.")
  String version;

  @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, for the history.")
  String reason;

  PromoteCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws java.io.IOException {
    Catalog catalog = new Catalog(store);
    Pointer before = catalog.requireModel(model).orElse(null);
    catalog.requireVersion(model, VersionId.of(version));
    Pointer after = publisher(store, VersionScheme.SEQUENTIAL).promote(model, version, reason);
    reportMove(model, before, after);
    return ExitCodes.OK;
  }
}
