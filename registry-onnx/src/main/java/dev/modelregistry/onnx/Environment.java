package dev.modelregistry.onnx;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ONNX Runtime's shared environment, created once per JVM on a thread of its own with a large stack.
 * Thread-safe.
 *
 * <p><b>Why a thread of its own.</b> On Linux, creating the environment starts the telemetry library built
 * into {@code libonnxruntime.so} (Microsoft's 1DS C++ SDK), which reads {@code /proc/self/cmdline} and
 * matches it against the regular expression {@code (.*)[ ]*.*[\n]*} with {@code std::regex}. libstdc++
 * matches by recursion, a few native frames per character, so a command line of about 4,000 characters
 * (an ordinary {@code java -cp} with 60 jars) overflows a 1 MiB thread stack, the default for a Java
 * thread, and the JVM dies with SIGSEGV and no {@code hs_err} file. Measured with ONNX Runtime 1.29.0: a
 * 6,948-character command line ended 11,965 native frames deep under {@code OrtEnvironment.createHandle}.
 * {@code -Xss2m} only moves the limit; test runners that pass the classpath in a manifest hide it. The
 * environment is therefore created on a thread whose stack is {@value #MIN_STACK_BYTES} bytes, or 1 KiB per
 * byte of the command line if that is more, about four times what the recursion was measured to need.
 */
final class Environment {

  /** The name of the thread that creates the environment. */
  static final String THREAD_NAME = "onnxruntime-init";

  /** The smallest stack of that thread: 16 MiB. */
  static final long MIN_STACK_BYTES = 16L << 20;

  private static final long STACK_BYTES_PER_COMMAND_LINE_BYTE = 1024;
  private static final long MAX_STACK_BYTES = 1L << 30;

  /** How long a load waits for the environment: extracting and loading the native libraries included. */
  static final Duration DEADLINE = Duration.ofMinutes(2);

  private static final FutureTask<OrtEnvironment> CREATION = new FutureTask<>(OrtEnvironment::getEnvironment);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private Environment() {}

  /**
   * The environment, created on the first call; every later call returns the same one, or the same
   * failure.
   *
   * @throws IllegalStateException if ONNX Runtime cannot start on this platform, did not start within
   *     {@link #DEADLINE}, or the caller was interrupted while waiting (its interrupt flag is then set)
   */
  static OrtEnvironment get() {
    if (STARTED.compareAndSet(false, true)) {
      start();
    }
    try {
      return CREATION.get(DEADLINE.toMillis(), MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for ONNX Runtime to start", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("ONNX Runtime did not start within " + DEADLINE.toSeconds() + " s (thread "
          + THREAD_NAME + " is still extracting or loading its native library); the version was not loaded and"
          + " is tried again at the next poll", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException("ONNX Runtime could not start on " + System.getProperty("os.name") + " "
          + System.getProperty("os.arch") + " (" + cause + "); the onnxruntime jar carries native libraries for"
          + " Linux x64 and aarch64 (glibc), macOS aarch64 and Windows x64", cause);
    }
  }

  private static void start() {
    Thread thread = new Thread(null, CREATION, THREAD_NAME, stackBytes(commandLineBytes()));
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (OutOfMemoryError e) {
      STARTED.set(false);
      throw new IllegalStateException("could not start the thread that creates the ONNX Runtime environment ("
          + e.getMessage() + "); the version was not loaded and is tried again at the next poll", e);
    }
  }

  /** The stack for a command line of {@code commandLineBytes}: 1 KiB per byte, 16 MiB to 1 GiB. */
  static long stackBytes(long commandLineBytes) {
    long wanted = commandLineBytes > MAX_STACK_BYTES / STACK_BYTES_PER_COMMAND_LINE_BYTE
        ? MAX_STACK_BYTES
        : commandLineBytes * STACK_BYTES_PER_COMMAND_LINE_BYTE;
    return Math.max(MIN_STACK_BYTES, Math.min(MAX_STACK_BYTES, wanted));
  }

  /** The length of this process's {@code /proc/self/cmdline}, or 0 where there is none (not Linux). */
  private static long commandLineBytes() {
    Path cmdline = Path.of("/proc/self/cmdline");
    if (!Files.isReadable(cmdline)) {
      return 0;
    }
    try (InputStream in = Files.newInputStream(cmdline)) {
      return in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      return 0; // unreadable: the smallest stack, which covers command lines up to 16,384 bytes
    }
  }
}
