package dev.modelregistry.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * What the commands write to and read time from: standard output for results, standard error for
 * progress and errors, and a nanosecond ticker for progress lines, so tests run the tool in-process with
 * captured output and a clock moved by hand.
 *
 * @param out results (tables, JSON, the published version)
 * @param err progress lines and errors
 * @param nanoTime a monotonic nanosecond ticker, {@code System::nanoTime} outside tests
 */
record CliContext(PrintWriter out, PrintWriter err, LongSupplier nanoTime) {

  CliContext {
    requireNonNull(out, "out");
    requireNonNull(err, "err");
    requireNonNull(nanoTime, "nanoTime");
  }

  /** The terminal: {@code System.out}, {@code System.err} and {@code System.nanoTime()}. */
  static CliContext system() {
    return new CliContext(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System::nanoTime);
  }
}
