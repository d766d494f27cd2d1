package dev.modelregistry.xgboost;

import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Loads boosters through xgboost4j. Stateless and thread-safe. The only class of the loader that names
 * xgboost4j's types, so that the rest runs without xgboost4j on the classpath: it is loaded (and verified,
 * which needs xgboost4j's classes) only after {@link XGBoostModelLoader} found xgboost4j.
 */
final class NativeBoosters {

  private NativeBoosters() {}

  static Predictor load(Path path, String file, List<String> schema, XGBoostOptions options) throws IOException {
    Booster booster;
    try (InputStream in = Files.newInputStream(path)) {
      booster = XGBoost.loadModel(in);
    } catch (XGBoostError e) {
      throw new IllegalArgumentException(file + " is not a model xgboost4j can read: "
          + XGBoostModelLoader.firstLine(e), e);
    }
    boolean ok = false;
    try {
      booster.setParam("nthread", options.threads());
      int width = (int) booster.getNumFeature();
      String[] names = booster.getFeatureNames();
      List<String> stored = names == null || Arrays.stream(names).allMatch(Objects::isNull)
          ? List.of() : Arrays.asList(names);
      XGBoostModelLoader.checkFeatureNames(stored, schema, file);
      XGBoostPredictor predictor = new XGBoostPredictor(booster, width, options, Files.size(path));
      ok = true;
      return predictor;
    } catch (XGBoostError e) {
      throw new IllegalArgumentException(file + " could not be prepared for prediction: "
          + XGBoostModelLoader.firstLine(e), e);
    } finally {
      if (!ok) {
        booster.dispose();
      }
    }
  }
}
