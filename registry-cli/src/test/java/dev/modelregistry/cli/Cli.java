package dev.modelregistry.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the tool in-process with captured output and a ticker moved by hand: each reading of the ticker
 * moves it by {@link #tickPerReading}, so a transfer "takes" as long as the test says, without sleeping.
 */
final class Cli {

  final AtomicLong nanos = new AtomicLong();
  long tickPerReading;

  /** The result of one run. */
  record Run(int exitCode, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true),
        () -> nanos.addAndGet(tickPerReading));
    int code = ModelRegistryCli.commandLine(context).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every reading of the ticker moves it by {@code millis}. */
  Cli ticking(long millis) {
    tickPerReading = TimeUnit.MILLISECONDS.toNanos(millis);
    return this;
  }

  /** Splits a command line as a POSIX shell does for plain words and double-quoted strings. */
  static String[] shell(String commandLine) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (char c : commandLine.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        inWord = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words.toArray(String[]::new);
  }
}
