package dev.modelregistry.examples.quickstart;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Simulated T20 chases and an XGBoost classifier trained on them with xgboost4j: the stand-in for a team's
 * training job. Features: runs needed, balls left, wickets left, current and required run rate.
 */
final class ChaseModel {

  static final List<String> FEATURES =
      List.of("runs_needed", "balls_left", "wickets_left", "current_run_rate", "required_run_rate");

  private ChaseModel() {}

  /** A random chase situation. */
  static float[] randomChase(Random random) {
    float runsNeeded = 1 + random.nextInt(180);
    float ballsLeft = 1 + random.nextInt(120);
    float wicketsLeft = 1 + random.nextInt(10);
    float currentRate = 5 + random.nextFloat() * 6;
    return new float[] {runsNeeded, ballsLeft, wicketsLeft, currentRate, runsNeeded * 6 / ballsLeft};
  }

  /** The probability that the chasing side wins, as the simulation decides it. */
  static double trueWinProbability(float[] x) {
    double logit = 1.2 + 0.42 * x[2] - 0.62 * (x[4] - x[3]) - 0.012 * x[0];
    return 1 / (1 + Math.exp(-logit));
  }

  /**
   * A trained model, saved in XGBoost's UBJSON format, and how well it does on chases it has not seen.
   *
   * @param model the {@code model.ubj} bytes
   * @param accuracy holdout accuracy
   * @param logLoss holdout log loss
   * @param rows training rows
   * @param trees boosting rounds
   */
  record Trained(byte[] model, double accuracy, double logLoss, int rows, int trees) {}

  /** Trains a {@code binary:logistic} booster on {@code rows} simulated chases. */
  static Trained train(int rows, int trees, long seed) throws XGBoostError {
    Random random = new Random(seed);
    DMatrix train = matrix(random, rows);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 3);
    params.put("eta", 0.3);
    params.put("nthread", 1);
    params.put("seed", (int) seed);
    Booster booster = XGBoost.train(train, params, trees, new HashMap<>(), null, null);
    try {
      DMatrix holdout = matrix(new Random(42), 4000);
      float[][] predicted = booster.predict(holdout);
      float[] labels = holdout.getLabel();
      int correct = 0;
      double loss = 0;
      for (int i = 0; i < labels.length; i++) {
        double p = Math.min(1 - 1e-7, Math.max(1e-7, predicted[i][0]));
        correct += (p >= 0.5 ? 1 : 0) == labels[i] ? 1 : 0;
        loss -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
      }
      holdout.dispose();
      return new Trained(booster.toByteArray("ubj"), (double) correct / labels.length, loss / labels.length, rows,
          trees);
    } finally {
      booster.dispose();
      train.dispose();
    }
  }

  private static DMatrix matrix(Random random, int rows) throws XGBoostError {
    int n = FEATURES.size();
    float[] data = new float[rows * n];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      float[] chase = randomChase(random);
      System.arraycopy(chase, 0, data, i * n, n);
      labels[i] = random.nextDouble() < trueWinProbability(chase) ? 1 : 0;
    }
    DMatrix matrix = new DMatrix(data, rows, n, Float.NaN);
    matrix.setLabel(labels);
    matrix.setFeatureNames(FEATURES.toArray(String[]::new));
    return matrix;
  }
}
