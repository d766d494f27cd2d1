package dev.modelregistry.spi;

import java.io.IOException;

/**
 * Turns the files of one version into a {@link Predictor}. Found with {@link java.util.ServiceLoader} (list
 * the class in {@code META-INF/services/dev.modelregistry.spi.ModelLoader}) or passed to the registry
 * builder. Implementations must be thread-safe; the registry calls them from its loader thread.
 */
public interface ModelLoader {

  /**
   * The format this loader reads, as written in manifests: {@code linear}, {@code xgboost}, {@code onnx}.
   * Lower case.
   */
  String format();

  /**
   * Loads a version. Throw when the files are not a valid model of this format, with a message that says
   * what is wrong; the version is then not served.
   */
  Predictor load(ModelArtifacts artifacts) throws IOException;

  /**
   * Whether this loader can read a version that has no manifest, judging by its files. Consulted only when
   * the built-in rules (by file name: {@code .ubj}, {@code .onnx}, a linear {@code model.json}) do not
   * decide the format.
   */
  default boolean recognizes(ModelArtifacts artifacts) {
    return false;
  }
}
