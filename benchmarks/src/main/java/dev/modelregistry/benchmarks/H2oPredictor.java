package dev.modelregistry.benchmarks;

import biz.k11i.xgboost.Predictor;
import biz.k11i.xgboost.util.FVec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code ai.h2o:xgboost-predictor} (a pure-Java XGBoost predictor) behind the registry's predictor
 * interface. It reads XGBoost's legacy binary format. Thread-safe, as the library's predictor is.
 */
final class H2oPredictor implements dev.modelregistry.spi.Predictor {

  private final Predictor predictor;

  H2oPredictor(byte[] legacyBinary) {
    try {
      this.predictor = new Predictor(new ByteArrayInputStream(legacyBinary));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public float[] predict(float[] features) {
    return predictor.predict(FVec.Transformer.fromArray(features, false));
  }
}
