package dev.modelregistry.xgboost;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import dev.modelregistry.trees.TreeEnsembles;
import dev.modelregistry.trees.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads XGBoost boosters: format {@code xgboost}. Thread-safe. Found by {@link java.util.ServiceLoader}
 * with {@link XGBoostOptions#DEFAULTS}; pass {@code new XGBoostModelLoader(options)} to the registry builder
 * to change them.
 *
 * <p>The model file is the first of {@code model.ubj} (UBJSON, XGBoost's default since 2.1), {@code
 * model.json}, and the legacy binary {@code model.bst}, {@code model.xgb}, {@code model.bin}, {@code
 * model.deprecated} (which xgboost4j 3.0 still reads), else the only {@code .ubj} file.
 *
 * <p><b>Which evaluator.</b> By default ({@link XGBoostOptions.Evaluator#AUTO}) a JSON or UBJSON model is
 * served by the pure-Java evaluator of {@code registry-trees}, whose outputs equal xgboost4j's bit for bit,
 * at a fraction of the cost per call. A model it does not evaluate (categorical splits,
 * multi-target trees, an unsupported objective, the legacy binary format) goes to xgboost4j when xgboost4j
 * is on the classpath, and is refused with the reason otherwise. xgboost4j is an optional dependency of this
 * module: add it to serve such models, or to choose {@link XGBoostOptions.Evaluator#NATIVE}.
 *
 * <p>At load the model is checked against the version's {@code schema.json}: its feature count must match
 * (checked by the registry through {@link Predictor#inputWidth()}), and when the model stores feature names
 * they must be the schema's names, in order. Either mismatch refuses the version.
 */
public final class XGBoostModelLoader implements ModelLoader {

  /** The format name, {@code xgboost}. */
  public static final String FORMAT = "xgboost";

  private static final Logger LOG = LoggerFactory.getLogger(XGBoostModelLoader.class);

  private static final List<String> MODEL_FILES =
      List.of("model.ubj", "model.json", "model.bst", "model.xgb", "model.bin", "model.deprecated");

  /** Whether xgboost4j is on the classpath (checked here: {@link NativeBoosters} cannot load without it). */
  private static final boolean NATIVE_AVAILABLE = nativeAvailable();

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
    Path path = artifacts.file(file);
    XGBoostOptions.Evaluator evaluator = options.evaluator();
    boolean nativeAvailable = NATIVE_AVAILABLE;
    if (evaluator == XGBoostOptions.Evaluator.NATIVE) {
      if (!nativeAvailable) {
        throw new IllegalStateException("the xgboost loader is set to evaluate with xgboost4j but xgboost4j is not "
            + "on the classpath; add ml.dmlc:xgboost4j_2.12 or use the pure-Java evaluator");
      }
      return NativeBoosters.load(path, file, artifacts.features(), options);
    }
    String lower = file.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".json") && !lower.endsWith(".ubj")) {
      if (evaluator == XGBoostOptions.Evaluator.AUTO && nativeAvailable) {
        return NativeBoosters.load(path, file, artifacts.features(), options);
      }
      throw new UnsupportedModelException(file + " is in XGBoost's legacy binary format, which only xgboost4j reads, "
          + (nativeAvailable ? "and the loader is set to the pure-Java evaluator" : "and xgboost4j is not on the classpath")
          + "; save the model as model.ubj (booster.save_model(\"model.ubj\")) or add ml.dmlc:xgboost4j_2.12");
    }
    try {
      return pureJava(path, file, artifacts.features());
    } catch (IllegalArgumentException refused) {
      if (evaluator == XGBoostOptions.Evaluator.JAVA || !nativeAvailable) {
        throw refused;
      }
      LOG.debug("model {} {}: the pure-Java evaluator refused {} ({}); trying xgboost4j", artifacts.model(),
          artifacts.version(), file, refused.getMessage());
      try {
        Predictor predictor = NativeBoosters.load(path, file, artifacts.features(), options);
        if (refused instanceof UnsupportedModelException) {
          LOG.info("model {} {}: served by xgboost4j because the pure-Java evaluator does not support it: {}",
              artifacts.model(), artifacts.version(), refused.getMessage());
        }
        return predictor;
      } catch (IllegalArgumentException alsoRefused) {
        alsoRefused.addSuppressed(refused);
        throw new IllegalArgumentException(alsoRefused.getMessage() + " (the pure-Java reader: "
            + refused.getMessage() + ")", alsoRefused);
      }
    }
  }

  /** The options predictions run with. */
  public XGBoostOptions options() {
    return options;
  }

  private static boolean nativeAvailable() {
    try {
      Class.forName("ml.dmlc.xgboost4j.java.Booster", false, XGBoostModelLoader.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private Predictor pureJava(Path path, String file, List<String> schema) throws IOException {
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 64) {
      throw new UnsupportedModelException(file + " is " + size + " bytes, more than the pure-Java evaluator reads");
    }
    byte[] content = Files.readAllBytes(path);
    Predictor predictor = TreeEnsembles.xgboost(file, content, options.missing());
    checkFeatureNames(TreeEnsembles.xgboostFeatureNames(file, content), schema, file);
    return predictor;
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

  static void checkFeatureNames(List<String> stored, List<String> schema, String file) {
    if (schema.isEmpty() || stored.isEmpty()) {
      return;
    }
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
