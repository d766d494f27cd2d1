package dev.modelregistry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM with the current classpath, so a test can survive what it provokes: a
 * native crash (SIGSEGV, SIGBUS) ends the child, and the test sees an exit code instead of losing its own
 * JVM. Stateless and thread-safe.
 */
public final class ForkedJvm {

  private ForkedJvm() {}

  /**
   * What the child did.
   *
   * @param exitCode its exit code; 134 or 139 after a native abort or segmentation fault, -1 if it was
   *     killed at the timeout
   * @param output its standard output and error, interleaved
   * @param took how long it ran
   */
  public record Result(int exitCode, String output, Duration took) {

    /** The text after the first line that starts with {@code marker}, or null. */
    public String lineAfter(String marker) {
      for (String line : output.split("\n")) {
        if (line.startsWith(marker)) {
          return line.substring(marker.length()).trim();
        }
      }
      return null;
    }
  }

  /** Runs {@code main} with {@code jvmArgs} and {@code args}, killing it after {@code timeout}. */
  public static Result run(Class<?> main, List<String> jvmArgs, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Path log = Files.createTempFile("forked-jvm-", ".log");
    try {
      long start = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return new Result(ended ? process.exitValue() : -1, Files.readString(log, UTF_8), took);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
