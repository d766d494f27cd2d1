package dev.modelregistry.trees;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads tree-ensemble models into {@link Predictor}s evaluated in pure Java. Stateless and thread-safe; the
 * predictors are thread-safe too, allocate nothing per call beyond their output, and hold no native memory
 * ({@link Predictor#close()} does nothing).
 *
 * <p>Outputs are bit-identical to the native libraries': xgboost4j's {@code Booster.predict} for XGBoost
 * models, LightGBM's {@code predict} (its double output rounded to float) for LightGBM models. A model
 * using something the evaluator does not implement is refused with {@link UnsupportedModelException}, and a
 * malformed one with {@link IllegalArgumentException}; both messages name the file and the field.
 */
public final class TreeEnsembles {

  /** The largest model file read: 2 GiB less a little, the most one Java array holds. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

  private TreeEnsembles() {}

  /**
   * How the trees are laid out in memory. {@link #AUTO} is the right choice; the others are there to
   * measure the layouts against each other.
   */
  public enum Layout {
    /**
     * {@link #MASKS} for trees up to 6 levels deep whose masks take at most 2 MiB, else {@link #PERFECT}
     * for trees up to 6 levels deep, or up to 10 levels deep whose padding costs at most 4× their nodes
     * (and whose padded arrays stay under 2^31 entries), else {@link #NODES}.
     */
    AUTO,
    /**
     * Every tree padded to a perfect binary tree of the ensemble's depth, stored breadth-first; a single
     * row descends it with no branch on the data and no child pointers. (In a batch, each block of up to 64
     * rows that holds at least 12 rows, 24 with {@link #MASKS}, is walked all at once, bit-sliced, when the
     * trees are at most 8 levels deep.)
     */
    PERFECT,
    /**
     * {@link #PERFECT}, and single rows found without a descent, from QuickScorer's leaf masks worked out
     * ahead for every rank of a feature's value among its thresholds: faster, at the cost of one long per
     * tree and distinct threshold (about 1 MB for 100 trees of depth 6 on 12 features). Trees up to 6
     * levels deep; trees that are all leaves need no masks and are summed directly.
     */
    MASKS,
    /** Nodes with child indexes, breadth-first per tree; any depth. */
    NODES
  }

  /**
   * An XGBoost model saved as JSON or UBJSON (told apart by content), with NaN as the missing value.
   *
   * @throws UnsupportedModelException if the model uses what the evaluator does not implement
   * @throws IllegalArgumentException if the file is not a valid XGBoost JSON or UBJSON model
   */
  public static Predictor xgboost(Path file) throws IOException {
    return xgboost(file, Float.NaN);
  }

  /**
   * An XGBoost model, with {@code missing} marking a missing feature (besides NaN, which always does), as
   * XGBoost's {@code DMatrix(..., missing)}.
   */
  public static Predictor xgboost(Path file, float missing) throws IOException {
    return xgboost(file.getFileName().toString(), read(file), missing);
  }

  /** An XGBoost model from its bytes; {@code name} names it in messages. */
  public static Predictor xgboost(String name, byte[] content, float missing) {
    return xgboost(name, content, missing, Layout.AUTO);
  }

  /**
   * An XGBoost model from its bytes, laid out as {@code layout}.
   *
   * @throws IllegalArgumentException if the layout is {@link Layout#PERFECT} or {@link Layout#MASKS} and the
   *     trees are deeper than it allows (10 and 6 levels) or too many for its arrays
   */
  public static Predictor xgboost(String name, byte[] content, float missing, Layout layout) {
    requireNonNull(name, "name");
    requireNonNull(content, "content");
    return XGBoostModels.read(name, content, missing, requireNonNull(layout, "layout"));
  }

  /** The feature names an XGBoost model stores (empty when it stores none). */
  public static List<String> xgboostFeatureNames(String name, byte[] content) {
    return XGBoostModels.featureNames(name, content);
  }

  /**
   * A LightGBM text model ({@code model.txt}, as {@code Booster.save_model} writes it).
   *
   * @throws UnsupportedModelException if the model uses what the evaluator does not implement
   * @throws IllegalArgumentException if the file is not a valid LightGBM text model
   */
  public static Predictor lightgbm(Path file) throws IOException {
    return lightgbm(file.getFileName().toString(), read(file));
  }

  /** A LightGBM text model from its bytes; {@code name} names it in messages. */
  public static Predictor lightgbm(String name, byte[] content) {
    return lightgbm(name, content, Layout.AUTO);
  }

  /** A LightGBM text model from its bytes, laid out as {@code layout}. */
  public static Predictor lightgbm(String name, byte[] content, Layout layout) {
    requireNonNull(name, "name");
    requireNonNull(content, "content");
    return LightGbmModels.read(name, content, requireNonNull(layout, "layout"));
  }

  static byte[] read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file.getFileName() + " is " + size + " bytes; at most " + MAX_FILE_BYTES
          + " are read");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes((int) size);
    }
  }
}
