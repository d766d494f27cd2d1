package dev.modelregistry.cli;

import org.jspecify.annotations.Nullable;

/** An error a command reports with its own exit code and message. */
final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CliException(int exitCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message, null);
  }

  static CliException notFound(String message) {
    return new CliException(ExitCodes.NOT_FOUND, message, null);
  }

  static CliException refused(String message, @Nullable Throwable cause) {
    return new CliException(ExitCodes.REFUSED, message, cause);
  }

  static CliException storeError(String message, @Nullable Throwable cause) {
    return new CliException(ExitCodes.STORE_ERROR, message, cause);
  }

  int exitCode() {
    return exitCode;
  }
}
