package dev.modelregistry.trees;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Loads LightGBM text models: format {@code lightgbm}, file {@code model.txt} (what {@code
 * booster.save_model("model.txt")} writes). Stateless and thread-safe; found by {@link
 * java.util.ServiceLoader}.
 *
 * <p>The model is evaluated in pure Java ({@link TreeEnsembles#lightgbm}); outputs equal LightGBM's {@code
 * predict} rounded to float. At load the model's feature count must equal {@code schema.json}'s (checked by
 * the registry), and when the model stores feature names of its own (not LightGBM's default {@code
 * Column_0}, {@code Column_1}, …) they must be the schema's, in order.
 */
public final class LightGbmModelLoader implements ModelLoader {

  /** The format name, {@code lightgbm}. */
  public static final String FORMAT = "lightgbm";

  /** The model file, {@code model.txt}. */
  public static final String MODEL_FILE = "model.txt";

  /** The constructor {@link java.util.ServiceLoader} uses. */
  public LightGbmModelLoader() {}

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public boolean recognizes(ModelArtifacts artifacts) {
    return artifacts.has(MODEL_FILE);
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    if (!artifacts.has(MODEL_FILE)) {
      throw new IllegalArgumentException("no LightGBM model file among " + artifacts.files() + "; expected "
          + MODEL_FILE);
    }
    byte[] content = TreeEnsembles.read(artifacts.file(MODEL_FILE));
    Predictor predictor = TreeEnsembles.lightgbm(MODEL_FILE, content);
    List<String> stored = LightGbmModels.featureNames(content);
    List<String> schema = artifacts.features();
    List<String> defaults = IntStream.range(0, stored.size()).mapToObj(i -> "Column_" + i).toList();
    if (!schema.isEmpty() && !stored.isEmpty() && !stored.equals(defaults) && !stored.equals(schema)) {
      throw new IllegalArgumentException(MODEL_FILE + " stores the feature names " + stored
          + " but schema.json lists " + schema + "; they must be the same, in the same order");
    }
    return predictor;
  }
}
