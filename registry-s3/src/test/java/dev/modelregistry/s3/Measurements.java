package dev.modelregistry.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures measured by the tests (requests, bytes, latencies), logged and appended to {@code
 * target/s3-measurements.txt}, so a build leaves them for the documentation. Tests assert on counts, never
 * on timings.
 */
final class Measurements {

  private static final Logger log = LoggerFactory.getLogger(Measurements.class);
  private static final Path FILE = Path.of("target", "s3-measurements.txt");

  static {
    try {
      Files.deleteIfExists(FILE); // one build's figures, not every build's
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Measurements() {}

  /** Records one figure. */
  static synchronized void record(String what, Object value) {
    String line = what + ": " + value;
    log.info("measured {}", line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, line + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
