package dev.modelregistry.s3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Captures what chosen loggers write, at chosen levels, for the duration of a test; restores the levels
 * when closed. Each captured line includes the stack traces' messages, as a log file would.
 */
final class LogCapture implements AutoCloseable {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<Logger, Level> previous = new LinkedHashMap<>();

  /** Captures the loggers named in {@code levels} (and their children) at the given levels. */
  LogCapture(Map<String, Level> levels) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender.setContext(context);
    appender.start();
    levels.forEach((name, level) -> {
      Logger logger = context.getLogger(name);
      previous.put(logger, logger.getLevel());
      logger.setLevel(level);
      logger.addAppender(appender);
    });
  }

  /** Captures {@code dev.modelregistry} at {@code level}. */
  static LogCapture registry(Level level) {
    return new LogCapture(Map.of("dev.modelregistry", level));
  }

  /** The lines written so far: level, logger, message, and every throwable's class and message. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : List.copyOf(appender.list)) {
      StringBuilder line = new StringBuilder()
          .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
          .append(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(line.toString());
    }
    return lines;
  }

  @Override
  public void close() {
    previous.forEach((logger, level) -> {
      logger.detachAppender(appender);
      logger.setLevel(level);
    });
    appender.stop();
  }
}
