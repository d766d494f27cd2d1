package dev.modelregistry.cli;

import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that works on one store: the store options, {@code --json}, {@code --verbose}, and opening and
 * closing the store around {@link #run}. Every command of the tool extends it; a new command (canary,
 * shadow, prune) is a new subclass added to {@link ModelRegistryCli#commandLine}.
 */
abstract class StoreCommand implements Callable<Integer> {

  final CliContext context;

  @Mixin StoreOptions storeOptions;

  @Option(names = "--json", description = "Print the result as JSON, with stable field names, for scripts.")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "On errors, print the stack trace too.")
  boolean verbose;

  StoreCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public final Integer call() throws IOException {
    try (StoreOptions.Opened opened = storeOptions.open(!writes())) {
      return run(opened.store());
    }
  }

  /** Does the work and returns the exit code; exceptions are reported by {@link Errors}. */
  abstract int run(WritableModelStore store) throws IOException;

  /** Whether the command writes: a folder store that does not exist yet is then created, not "not found". */
  boolean writes() {
    return false;
  }
}
