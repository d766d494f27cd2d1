package dev.modelregistry.cli;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canary <model> --start <version> --percent 10 | --percent 25 | --promote | --abort}: the canary
 * written in the pointer, every change a compare-and-set move with a history record.
 */
@Command(name = "canary", mixinStandardHelpOptions = true,
    description = "Start a canary at a percent, change its percent, promote it to stable, or abort it. Every"
        + " registry that reads the store follows; units bucket as Unleash buckets them.")
final class CanaryCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Option(names = "--start", paramLabel = "<version>", description = "Start (or replace) a canary of this version.")
  @Nullable String start;

  @Option(names = "--percent", paramLabel = "<0-100>", description = "The canary's share of calls and units.")
  @Nullable Double percent;

  @Option(names = "--promote", description = "Make the canary the stable version.")
  boolean promote;

  @Option(names = "--abort", description = "End the canary: every call goes to the stable version.")
  boolean abort;

  @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, for the history.")
  String reason;

  CanaryCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    int actions = (start != null ? 1 : 0) + (promote ? 1 : 0) + (abort ? 1 : 0);
    if (actions > 1 || (actions == 0 && percent == null) || (start != null && percent == null)
        || ((promote || abort) && percent != null)) {
      throw CliException.usage("give one of --start <version> --percent <p>, --percent <p>,"
          + " --promote or --abort");
    }
    Pointer before = new Catalog(store).requireModel(model).orElse(null);
    ModelPublisher publisher = publisher(store, VersionScheme.SEQUENTIAL);
    Pointer after;
    if (start != null) {
      after = publisher.startCanary(model, start, percent, reason);
    } else if (promote) {
      after = publisher.promoteCanary(model, reason);
    } else if (abort) {
      after = publisher.abortCanary(model, reason);
    } else {
      after = publisher.setCanaryPercent(model, percent, reason);
    }
    reportMove(model, before, after);
    return ExitCodes.OK;
  }
}
