package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed ONNX files are exactly what {@link OnnxFixtures} writes, so they provably come from that
 * code, and each is a model ONNX Runtime loads with the inputs and outputs its description promises.
 */
class FixturesTest {

  static Stream<String> fixtures() {
    return OnnxFixtures.all().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void theCommittedFileIsTheGeneratorsOutputByteForByte(String name) {
    assertThat(OnnxHarness.fixture(name))
        .as("%s differs from OnnxFixtures' output: regenerate with OnnxFixtures.main", name)
        .isEqualTo(OnnxFixtures.all().get(name));
  }

  @Test
  void everyCommittedOnnxFileIsGenerated() throws IOException, URISyntaxException {
    Path dir = Path.of(FixturesTest.class.getResource("/fixtures").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".onnx")))
          .containsExactlyInAnyOrderElementsOf(OnnxFixtures.all().keySet());
    }
  }

  @Test
  void generatingTwiceGivesTheSameBytes() {
    Map<String, byte[]> first = OnnxFixtures.all();
    Map<String, byte[]> second = OnnxFixtures.all();
    first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void theMainWritesTheFixturesIntoAFolder(@TempDir Path dir) throws IOException {
    OnnxFixtures.main(new String[] {dir.toString()});
    for (Map.Entry<String, byte[]> e : OnnxFixtures.all().entrySet()) {
      assertThat(dir.resolve(e.getKey())).hasBinaryContent(e.getValue());
    }
  }

  @Test
  void theFixturesHaveTheSignaturesTheirDescriptionPromises() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    assertThat(signature(env, "regressor_v1.onnx")).isEqualTo(
        "in {input=tensor of float [N, 3]} out {score=tensor of float [N, 1]}");
    assertThat(signature(env, "binary_zipmap_v1.onnx")).isEqualTo(
        "in {float_input=tensor of float [N, 3]}"
            + " out {label=tensor of int64 [N], probabilities=sequence of maps int64 → float}");
    assertThat(signature(env, "binary_tensor.onnx")).isEqualTo(
        "in {float_input=tensor of float [N, 3]}"
            + " out {label=tensor of int64 [N], probabilities=tensor of float [N, 2]}");
    assertThat(signature(env, "multiclass_zipmap.onnx")).isEqualTo(
        "in {float_input=tensor of float [N, 3]}"
            + " out {label=tensor of string [N], probabilities=sequence of maps string → float}");
    assertThat(signature(env, "int64_input.onnx")).isEqualTo(
        "in {int_input=tensor of int64 [N, 3]} out {score=tensor of float [N, 1]}");
  }

  private static String signature(OrtEnvironment env, String fixture) throws Exception {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(OnnxHarness.fixture(fixture), options)) {
      StringBuilder s = new StringBuilder("in {");
      session.getInputInfo().forEach((name, info) -> s.append(name).append('=')
          .append(ModelSignature.describe(info.getInfo())).append(", "));
      s.setLength(s.length() - 2);
      s.append("} out {");
      session.getOutputInfo().forEach((name, info) -> s.append(name).append('=')
          .append(ModelSignature.describe(info.getInfo())).append(", "));
      s.setLength(s.length() - 2);
      return s.append('}').toString();
    }
  }
}
