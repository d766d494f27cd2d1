package dev.modelregistry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script runs {@code java -jar} on the jar next to it, also through a symbolic link. */
class LauncherScriptTest {

  @TempDir Path dir;

  @Test
  void runsTheJarNextToItWithTheArguments() throws Exception {
    Path install = Files.createDirectories(dir.resolve("opt/model-registry"));
    Path script = Files.copy(Path.of("src/main/dist/model-registry"), install.resolve("model-registry"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("model-registry"), script);
    Path fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(run(link, fakeJava)).isEqualTo("[-jar]\n[" + install.toRealPath().resolve("model-registry.jar")
        + "]\n[publish]\n[t20_win_predictor]\n[out dir]\n");
  }

  private static String run(Path script, Path java) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), "publish", "t20_win_predictor", "out dir")
        .redirectErrorStream(true);
    builder.environment().put("JAVA", java.toString());
    builder.environment().remove("JAVA_OPTS");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
