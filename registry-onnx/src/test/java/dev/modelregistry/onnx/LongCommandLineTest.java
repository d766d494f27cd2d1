package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelregistry.testkit.ForkedJvm;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM launched with a long command line (a {@code java -cp} with many jars) loads and serves an ONNX
 * model. On Linux, creating ONNX Runtime's environment matches the whole command line with a recursive
 * regular expression, which overflowed the calling thread's 1 MiB stack from about 4,000 characters on and
 * killed the JVM with SIGSEGV (exit code 139); {@link Environment} creates it on a thread with a large
 * stack. The child runs with {@code -Xss1m}, so its main thread has the stack that crashed.
 */
class LongCommandLineTest {

  private static final int MIN_COMMAND_LINE = 8_000;

  @Test
  void aJvmWithACommandLineOver8000CharactersLoadsAndPredictsAnOnnxModel() throws Exception {
    String classPath = System.getProperty("java.class.path");
    List<String> jvmArgs = List.of("-Xss1m", "-Ddev.modelregistry.test.padding=" + "p".repeat(MIN_COMMAND_LINE));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classPath);
    command.add(LongCommandLineMain.class.getName());
    int length = command.stream().mapToInt(arg -> arg.length() + 1).sum();
    System.out.printf("child command line: %,d characters, %d class path entries%n",
        length, classPath.split(File.pathSeparator).length);
    assertThat(length).as("the child's command line, as /proc/self/cmdline holds it").isGreaterThan(MIN_COMMAND_LINE);

    ForkedJvm.Result result =
        ForkedJvm.run(LongCommandLineMain.class, jvmArgs, List.of(), Duration.ofMinutes(2));

    System.out.printf("child exit code %d after %d ms%n", result.exitCode(), result.took().toMillis());
    assertThat(result.exitCode())
        .as("the child's exit code (139: SIGSEGV, the stack overflow; -1: killed at the timeout); its output:%n%s",
            result.output())
        .isZero();
    float expected = OnnxFixtures.REGRESSOR_V1_B;
    float[] row = {1, 2, 3};
    for (int i = 0; i < row.length; i++) {
      expected += OnnxFixtures.REGRESSOR_V1_W[i] * row[i];
    }
    assertThat(Float.parseFloat(result.lineAfter(LongCommandLineMain.PREDICTED))).isCloseTo(expected, within(1e-6f));
  }

  @Test
  void theStackIs16MiBOr1KiBPerByteOfTheCommandLineUpTo1GiB() {
    assertThat(Environment.stackBytes(0)).isEqualTo(16L << 20);
    assertThat(Environment.stackBytes(6_948)).isEqualTo(16L << 20);
    assertThat(Environment.stackBytes(100_000)).isEqualTo(100_000L * 1024);
    assertThat(Environment.stackBytes(2L << 20)).isEqualTo(1L << 30);
    assertThat(Environment.stackBytes(Long.MAX_VALUE)).isEqualTo(1L << 30);
  }
}
