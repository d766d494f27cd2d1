package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The evaluator against XGBoost 1.7.4 (Debian's python3-xgboost), bit for bit: models saved as JSON and
 * UBJSON by {@code reference/make_xgboost1.py} with reference outputs for the rows {@link Rows} generates
 * (100,000 rows, one value in ten missing), compared as one batch and row by row: the first 1,000 rows value
 * by value, all of them through the SHA-256 of the float32 outputs.
 */
class XGBoost1ParityTest {

  @ParameterizedTest
  @CsvSource({
    "binary-logistic, json", "binary-logistic, ubj",
    "reg-squarederror, json", "reg-squarederror, ubj",
    "count-poisson, json", "count-poisson, ubj",
    "multi-softprob, json", "multi-softprob, ubj",
    "dart, json", "dart, ubj"})
  void outputsEqualXgboost174BitForBit(String name, String format) {
    Reference reference = Reference.load("xgboost1-" + name + ".expected");
    String file = "xgboost1-" + name + "." + format;
    Predictor ours = TreeEnsembles.xgboost(file, Reference.resource(file), Float.NaN);
    reference.assertMatches(file, ours);
  }
}
