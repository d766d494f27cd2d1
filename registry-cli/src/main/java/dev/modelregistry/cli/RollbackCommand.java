package dev.modelregistry.cli;

import dev.modelregistry.Pointer;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rollback <model> --reason ...}: moves the pointer back to the version it named before. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Move the pointer of a model back to the version it named before (a second roll back"
        + " returns to where the first started).")
final class RollbackCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, for the history.")
  String reason;

  RollbackCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Pointer before = new Catalog(store).requireModel(model).orElse(null);
    Pointer after = publisher(store, VersionScheme.SEQUENTIAL).rollback(model, reason);
    reportMove(model, before, after);
    return ExitCodes.OK;
  }
}
