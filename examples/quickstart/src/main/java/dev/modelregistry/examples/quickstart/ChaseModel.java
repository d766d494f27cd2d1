package dev.modelregistry.examples.quickstart;

import dev.modelregistry.linear.LinearModel;
import java.util.List;
import java.util.Random;

/**
 * Simulated T20 chases and a logistic regression trained on them: the stand-in for a team's training job.
 * Features: runs needed, balls left, wickets left, current and required run rate.
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

  /** A trained model and how well it does on chases it has not seen. */
  record Trained(LinearModel model, double accuracy, double logLoss, int rows) {}

  /** Fits a logistic regression on {@code rows} simulated chases with batch gradient descent. */
  static Trained train(int rows, int epochs, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[rows][];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = randomChase(random);
      y[i] = random.nextDouble() < trueWinProbability(x[i]) ? 1 : 0;
    }
    int n = FEATURES.size();
    double[] mean = new double[n];
    double[] std = new double[n];
    for (float[] row : x) {
      for (int j = 0; j < n; j++) {
        mean[j] += row[j] / rows;
      }
    }
    for (float[] row : x) {
      for (int j = 0; j < n; j++) {
        std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows;
      }
    }
    for (int j = 0; j < n; j++) {
      std[j] = Math.sqrt(std[j]) + 1e-9;
    }
    double[] w = new double[n];
    double b = 0;
    double rate = 0.5;
    for (int epoch = 0; epoch < epochs; epoch++) {
      double[] gradW = new double[n];
      double gradB = 0;
      for (int i = 0; i < rows; i++) {
        double z = b;
        for (int j = 0; j < n; j++) {
          z += w[j] * (x[i][j] - mean[j]) / std[j];
        }
        double error = 1 / (1 + Math.exp(-z)) - y[i];
        for (int j = 0; j < n; j++) {
          gradW[j] += error * (x[i][j] - mean[j]) / std[j] / rows;
        }
        gradB += error / rows;
      }
      for (int j = 0; j < n; j++) {
        w[j] -= rate * gradW[j];
      }
      b -= rate * gradB;
    }
    // Fold the standardization into the weights, so the served model takes raw features.
    float[] weights = new float[n];
    double bias = b;
    for (int j = 0; j < n; j++) {
      weights[j] = (float) (w[j] / std[j]);
      bias -= w[j] * mean[j] / std[j];
    }
    LinearModel model = LinearModel.logistic((float) bias, weights);
    return evaluate(model, rows);
  }

  private static Trained evaluate(LinearModel model, int rows) {
    Random random = new Random(42);
    int correct = 0;
    double loss = 0;
    int holdout = 4000;
    float[][] w = model.weights();
    for (int i = 0; i < holdout; i++) {
      float[] x = randomChase(random);
      int y = random.nextDouble() < trueWinProbability(x) ? 1 : 0;
      double z = model.bias()[0];
      for (int j = 0; j < x.length; j++) {
        z += w[0][j] * x[j];
      }
      double p = Math.min(1 - 1e-7, Math.max(1e-7, 1 / (1 + Math.exp(-z))));
      correct += (p >= 0.5 ? 1 : 0) == y ? 1 : 0;
      loss -= y == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return new Trained(model, (double) correct / holdout, loss / holdout, rows);
  }
}
