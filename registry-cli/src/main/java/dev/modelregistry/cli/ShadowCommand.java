package dev.modelregistry.cli;

import dev.modelregistry.Pointer;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shadow <model> --start <version> [--sample 0.25] | --stop}: the shadow written in the pointer. */
@Command(name = "shadow", mixinStandardHelpOptions = true,
    description = "Start a shadow version that gets a sample of the calls' inputs, off the callers' threads, and"
        + " is compared with the stable version; or stop it.")
final class ShadowCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Option(names = "--start", paramLabel = "<version>", description = "Start (or replace) a shadow of this version.")
  @Nullable String start;

  @Option(names = "--sample", paramLabel = "<0-1>", defaultValue = "1.0",
      description = "The fraction of calls the shadow gets. Default: ${DEFAULT-VALUE}.")
  double sample;

  @Option(names = "--stop", description = "Stop the shadow.")
  boolean stop;

  @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, for the history.")
  String reason;

  ShadowCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    if ((start == null) == !stop) {
      throw CliException.usage("give one of --start <version> or --stop");
    }
    Pointer before = new Catalog(store).requireModel(model).orElse(null);
    Pointer after = start != null
        ? publisher(store, VersionScheme.SEQUENTIAL).startShadow(model, start, sample, reason)
        : publisher(store, VersionScheme.SEQUENTIAL).stopShadow(model, reason);
    reportMove(model, before, after);
    return ExitCodes.OK;
  }
}
