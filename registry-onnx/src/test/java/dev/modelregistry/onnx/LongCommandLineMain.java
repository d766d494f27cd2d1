package dev.modelregistry.onnx;

import dev.modelregistry.VersionId;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link LongCommandLineTest} in a child JVM: loads the committed {@code regressor_v1.onnx} through
 * {@link OnnxModelLoader} from the main thread, predicts one row and prints the output after {@link
 * #PREDICTED}. Nothing else in the child touches ONNX Runtime first.
 */
final class LongCommandLineMain {

  static final String PREDICTED = "PREDICTED";

  private LongCommandLineMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("onnx-long-command-line-");
    Path model = dir.resolve("model.onnx");
    try {
      Files.write(model, OnnxHarness.fixture("regressor_v1.onnx"));
      ModelArtifacts artifacts = new ModelArtifacts("long_command_line", VersionId.of("v1"), dir,
          List.of("model.onnx"), null, List.of(), Map.of());
      try (Predictor predictor = new OnnxModelLoader().load(artifacts)) {
        System.out.println(PREDICTED + " " + predictor.predict(new float[] {1, 2, 3})[0]);
      }
    } finally {
      Files.deleteIfExists(model);
      Files.deleteIfExists(dir);
    }
  }
}
