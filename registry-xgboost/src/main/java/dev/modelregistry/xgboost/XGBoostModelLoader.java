package dev.modelregistry.xgboost;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Loads XGBoost boosters: format {@code xgboost}. Thread-safe. Found by {@link java.util.ServiceLoader}
 * with {@link XGBoostOptions#DEFAULTS}; pass {@code new XGBoostModelLoader(options)} to the registry builder
 * to change them.
 *
 * <p>The model file is the first of {@code model.ubj} (UBJSON, XGBoost's default since 2.1), {@code
 * model.json}, and the legacy binary {@code model.bst}, {@code model.xgb}, {@code model.bin}, {@code
 * model.deprecated} (which xgboost4j 3.0 still reads), else the only {@code .ubj} file. xgboost4j tells the
 * encodings apart by content.
 *
 * <p>At load the booster is checked against the version's {@code schema.json}: its feature count must
 * match (checked by the registry through {@link Predictor#inputWidth()}), and when the booster stores
 * feature names they must be the schema's names, in order. Either mismatch refuses the version.
 */
public final class XGBoostModelLoader implements ModelLoader {

  /** The format name, {@code xgboost}. */
  public static final String FORMAT = "xgboost";

  private static final List<String> MODEL_FILES =
      List.of("model.ubj", "model.json", "model.bst", "model.xgb", "model.bin", "model.deprecated");

  private final XGBoostOptions options;

  /** A loader with {@link XGBoostOptions#DEFAULTS}; the constructor {@link java.util.ServiceLoader} uses. */
  public XGBoostModelLoader() {
    this(XGBoostOptions.DEFAULTS);
  }

  /** A loader with the given options. */
  public XGBoostModelLoader(XGBoostOptions options) {
    this.options = requireNonNull(options, "options");
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public boolean recognizes(ModelArtifacts artifacts) {
    return modelFile(artifacts).isPresent();
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    String file = modelFile(artifacts).orElseThrow(() -> new IllegalArgumentException(
        "no XGBoost model file among " + artifacts.files() + "; expected one of " + MODEL_FILES));
    Booster booster;
    try (InputStream in = Files.newInputStream(artifacts.file(file))) {
      booster = XGBoost.loadModel(in);
    } catch (XGBoostError e) {
      throw new IllegalArgumentException(file + " is not a model xgboost4j can read: " + firstLine(e), e);
    }
    boolean ok = false;
    try {
      booster.setParam("nthread", options.threads());
      int width = (int) booster.getNumFeature();
      checkFeatureNames(booster, artifacts.features(), file);
      XGBoostPredictor predictor = new XGBoostPredictor(booster, width, options);
      ok = true;
      return predictor;
    } catch (XGBoostError e) {
      throw new IllegalArgumentException(file + " could not be prepared for prediction: " + firstLine(e), e);
    } finally {
      if (!ok) {
        booster.dispose();
      }
    }
  }

  /** The options predictions run with. */
  public XGBoostOptions options() {
    return options;
  }

  private static Optional<String> modelFile(ModelArtifacts artifacts) {
    Optional<String> known = artifacts.firstOf(MODEL_FILES.toArray(String[]::new));
    if (known.isPresent()) {
      return known;
    }
    List<String> ubj = artifacts.files().stream()
        .filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".ubj"))
        .toList();
    return ubj.size() == 1 ? Optional.of(ubj.get(0)) : Optional.empty();
  }

  private static void checkFeatureNames(Booster booster, List<String> schema, String file) throws XGBoostError {
    String[] names = booster.getFeatureNames();
    if (schema.isEmpty() || names == null || names.length == 0 || Arrays.stream(names).allMatch(Objects::isNull)) {
      return;
    }
    List<String> stored = Arrays.asList(names);
    if (!stored.equals(schema)) {
      throw new IllegalArgumentException(file + " stores the feature names " + stored
          + " but schema.json lists " + schema + "; they must be the same, in the same order");
    }
  }

  static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
