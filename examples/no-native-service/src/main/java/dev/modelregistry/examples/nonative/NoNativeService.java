package dev.modelregistry.examples.nonative;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.filesystem.FilesystemModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Serves the two fraud models of {@code store/} and scores one transaction with each. Not a class to use
 * from several threads: it builds, uses and closes one registry in {@link #main}.
 *
 * <pre>
 *   java -cp ... dev.modelregistry.examples.nonative.NoNativeService examples/no-native-service/store
 * </pre>
 */
public final class NoNativeService {

  /** The XGBoost model (trained with XGBoost 1.7.4, saved as UBJSON). */
  public static final String XGBOOST_MODEL = "fraud_xgboost";

  /** The LightGBM model (trained with LightGBM 4.7, saved as model.txt). */
  public static final String LIGHTGBM_MODEL = "fraud_lightgbm";

  private NoNativeService() {}

  /** A registry serving both models from {@code store}, caching in {@code cache}, without polling. */
  public static ModelRegistry registry(Path store, Path cache) {
    return ModelRegistry.builder()
        .store(FilesystemModelStore.of(store))
        .cacheDirectory(cache)
        .polling(false)
        .model(XGBOOST_MODEL)
        .model(LIGHTGBM_MODEL)
        .build();
  }

  /** Scores one transaction with both models; the first argument is the store folder. */
  public static void main(String[] args) throws IOException {
    Path store = Path.of(args.length > 0 ? args[0] : "examples/no-native-service/store");
    Path cache = Files.createTempDirectory("no-native-cache");
    Map<String, Double> transaction = Map.of("amount", 1.2, "hour", -0.3, "merchant_risk", 0.1,
        "card_age_days", 0.5, "velocity_1h", 1.1, "distance_km", 0.9);
    try (ModelRegistry registry = registry(store, cache)) {
      for (String model : new String[] {XGBOOST_MODEL, LIGHTGBM_MODEL}) {
        float[] score = registry.current(model).predict(transaction);
        System.out.println(model + " " + registry.current(model).version() + ": " + Arrays.toString(score));
      }
    }
  }
}
