package dev.modelregistry.cli;

/** The exit codes of the tool; the README lists them, and scripts depend on them. */
final class ExitCodes {

  /** Done. */
  static final int OK = 0;
  /** A bad command line or a bad argument (a name the storage format refuses, a missing file). */
  static final int USAGE = 1;
  /** The store, model or version does not exist. */
  static final int NOT_FOUND = 2;
  /** Refused (an incomplete version, nothing to roll back to), or a file failed verification. */
  static final int REFUSED = 3;
  /** The store could not be read or written (unreachable, access denied, malformed objects). */
  static final int STORE_ERROR = 4;
  /** {@code verify}: the version has no manifest, so there is nothing to verify it against. */
  static final int UNVERIFIED = 5;
  /** A bug in the tool: anything else it did not expect. */
  static final int INTERNAL = 70;

  private ExitCodes() {}
}
