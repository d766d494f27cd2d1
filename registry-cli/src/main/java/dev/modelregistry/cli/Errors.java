package dev.modelregistry.cli;

import dev.modelregistry.ModelLoadException;
import dev.modelregistry.PublishException;
import dev.modelregistry.StorageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what a command throws into one line on standard error, a line for its cause, and an exit code;
 * the stack trace only with {@code --verbose}.
 */
final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {

  private final PrintWriter err;

  Errors(PrintWriter err) {
    this.err = err;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
    err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getName()));
    Throwable cause = cause(e);
    if (cause != null) {
      err.println("cause: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    if (commandLine.getCommand() instanceof StoreCommand command && command.verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode(e);
  }

  static int exitCode(Exception e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof PublishException || e instanceof ModelLoadException) {
      return ExitCodes.REFUSED;
    }
    if (e instanceof StorageException || e instanceof IOException || e instanceof UncheckedIOException
        || e instanceof SdkException) {
      return ExitCodes.STORE_ERROR;
    }
    return ExitCodes.INTERNAL;
  }

  /** The deepest cause whose message the error line does not already say, if any. */
  private static @Nullable Throwable cause(Exception e) {
    Throwable cause = null;
    String said = String.valueOf(e.getMessage());
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t.getMessage() != null && !said.contains(t.getMessage())) {
        cause = t;
      }
    }
    return cause;
  }
}
