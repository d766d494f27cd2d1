package dev.modelregistry.xgboost;

import dev.modelregistry.spi.Predictor;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One loaded booster. Thread-safe: xgboost4j's prediction calls may run concurrently on one booster; the
 * registry calls {@link #close()} (which disposes the native booster) once, after the last call returned.
 *
 * <p>Outputs follow the objective, as XGBoost computes them without {@code output_margin}: the probability
 * of the positive class for {@code binary:logistic}, one probability per class for {@code multi:softprob},
 * the class index for {@code multi:softmax}, the value for regressions.
 *
 * <p><b>DMatrix or in-place.</b> Measured with xgboost4j 3.0.4 on a 2-core x86-64 machine, one thread per
 * prediction, a 100-tree depth-6 binary model on 12 features, best of five runs: one row 57.8 µs through a
 * {@code DMatrix} against 65.5 µs {@code inplace_predict}; 8 rows 68.5 against 76.9 µs; 64 rows 154 against
 * 161 µs; 256 rows 606 against 601 µs; 1,024 rows 2.23 against 2.29 ms. The fixed cost of a call (about
 * 55 µs whatever the number of trees) dominates small requests and {@code inplace_predict} does not avoid
 * it, so both single rows and batches default to {@link XGBoostOptions.PredictMethod#DMATRIX}; {@link
 * XGBoostOptions} can choose either per case.
 */
final class XGBoostPredictor implements Predictor {

  private final Booster booster;
  private final int width;
  private final XGBoostOptions options;
  private final long fileBytes;

  XGBoostPredictor(Booster booster, int width, XGBoostOptions options, long fileBytes) {
    this.booster = booster;
    this.width = width;
    this.options = options;
    this.fileBytes = fileBytes;
  }

  @Override
  public float[] predict(float[] features) {
    return run(features, 1, options.singleRow())[0];
  }

  @Override
  public float[][] predict(float[][] rows) {
    if (rows.length == 0) {
      return new float[0][];
    }
    float[] dense = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, dense, i * width, width);
    }
    return run(dense, rows.length, options.batch());
  }

  private float[][] run(float[] dense, int rows, XGBoostOptions.PredictMethod method) {
    try {
      if (method == XGBoostOptions.PredictMethod.INPLACE) {
        return booster.inplace_predict(dense, rows, width, options.missing());
      }
      DMatrix matrix = new DMatrix(dense, rows, width, options.missing());
      try {
        return booster.predict(matrix);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost prediction failed: " + XGBoostModelLoader.firstLine(e), e);
    }
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  /**
   * An estimate from the model file's size: twice it, for the booster's trees and xgboost4j's prediction
   * buffers; xgboost4j does not report what it holds.
   */
  @Override
  public OptionalLong memoryBytes() {
    return OptionalLong.of(2 * fileBytes);
  }

  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    if (type.isInstance(booster)) {
      return Optional.of(type.cast(booster));
    }
    return Predictor.super.unwrap(type);
  }

  @Override
  public void close() {
    booster.dispose();
  }

  @Override
  public String toString() {
    return "XGBoostPredictor[" + width + " features]";
  }
}
