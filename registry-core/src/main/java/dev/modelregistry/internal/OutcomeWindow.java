package dev.modelregistry.internal;

import dev.modelregistry.QualityPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last outcomes of one version on one arm, in fixed memory (a ring), and the metrics over them with
 * their standard errors. Not thread-safe: used by the quality monitor's thread only.
 */
final class OutcomeWindow {

  private final int capacity;
  private final double[] score; // binary: P(class 1); regression: the predicted value
  private final int[] predictedClass; // -1 for a regression
  private final double[] trueClassProbability; // for log loss, NaN for a regression
  private final double[] brier;
  private final double[] actual;
  private final long[] at;
  private int next;
  private int size;
  private boolean classifier;
  private boolean binary;

  OutcomeWindow(int capacity) {
    this.capacity = capacity;
    this.score = new double[capacity];
    this.predictedClass = new int[capacity];
    this.trueClassProbability = new double[capacity];
    this.brier = new double[capacity];
    this.actual = new double[capacity];
    this.at = new long[capacity];
  }

  /**
   * Adds an outcome. A model is taken for a classifier when the baseline has a classification metric, or
   * the outputs look like probabilities and the actual value is a class index.
   */
  void add(float[] predicted, double actualValue, boolean classifierModel, long nowNanos) {
    int i = next;
    next = (next + 1) % capacity;
    size = Math.min(capacity, size + 1);
    classifier = classifierModel;
    at[i] = nowNanos;
    actual[i] = actualValue;
    if (!classifierModel) {
      score[i] = predicted[0];
      predictedClass[i] = -1;
      trueClassProbability[i] = Double.NaN;
      brier[i] = Double.NaN;
      return;
    }
    int label = (int) Math.round(actualValue);
    if (predicted.length == 1) {
      binary = true;
      double p = clamp(predicted[0]);
      score[i] = p;
      predictedClass[i] = p >= 0.5 ? 1 : 0;
      trueClassProbability[i] = label == 1 ? p : 1 - p;
      brier[i] = (p - label) * (p - label);
    } else {
      binary = false;
      int best = 0;
      double sum = 0;
      for (int k = 0; k < predicted.length; k++) {
        if (predicted[k] > predicted[best]) {
          best = k;
        }
        double target = k == label ? 1 : 0;
        sum += (clamp(predicted[k]) - target) * (clamp(predicted[k]) - target);
      }
      score[i] = label >= 0 && label < predicted.length ? clamp(predicted[label]) : 0;
      predictedClass[i] = best;
      trueClassProbability[i] = score[i];
      brier[i] = sum;
    }
  }

  /** Outcomes in the window, leaving out those recorded before {@code oldestNanos}. */
  int count(long oldestNanos) {
    int n = 0;
    for (int k = 0; k < size; k++) {
      if (at[k] - oldestNanos >= 0) {
        n++;
      }
    }
    return n;
  }

  /** The metrics over the window (those recorded since {@code oldestNanos}), with standard errors. */
  Map<String, double[]> metrics(long oldestNanos) {
    int[] idx = new int[size];
    int n = 0;
    for (int k = 0; k < size; k++) {
      if (at[k] - oldestNanos >= 0) {
        idx[n++] = k;
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    if (n == 0) {
      return out;
    }
    if (classifier) {
      double correct = 0;
      double[] logLoss = new double[n];
      double[] brierValues = new double[n];
      for (int j = 0; j < n; j++) {
        int k = idx[j];
        if (predictedClass[k] == (int) Math.round(actual[k])) {
          correct++;
        }
        logLoss[j] = -Math.log(Math.max(1e-15, trueClassProbability[k]));
        brierValues[j] = brier[k];
      }
      double accuracy = correct / n;
      out.put("accuracy", new double[] {accuracy, Double.NaN}); // its error comes from the baseline: p(1-p)/n
      out.put("log_loss", meanAndError(logLoss));
      out.put("brier", meanAndError(brierValues));
      if (binary) {
        double[] auc = auc(idx, n);
        if (auc != null) {
          out.put("roc_auc", auc);
        }
      }
    } else {
      double[] abs = new double[n];
      double[] sq = new double[n];
      for (int j = 0; j < n; j++) {
        int k = idx[j];
        double e = score[k] - actual[k];
        abs[j] = Math.abs(e);
        sq[j] = e * e;
      }
      out.put("mae", meanAndError(abs));
      double[] mse = meanAndError(sq);
      double rmse = Math.sqrt(mse[0]);
      out.put("rmse", new double[] {rmse, rmse > 0 ? mse[1] / (2 * rmse) : 0}); // the delta method
    }
    return out;
  }

  /** ROC-AUC by the Mann-Whitney statistic, with the Hanley-McNeil standard error; null without both classes. */
  private double[] auc(int[] idx, int n) {
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      order[j] = idx[j];
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
    double rankSumPositive = 0;
    int positives = 0;
    int j = 0;
    while (j < n) {
      int end = j;
      while (end + 1 < n && score[order[end + 1]] == score[order[j]]) {
        end++;
      }
      double rank = (j + end) / 2.0 + 1; // ties share the average rank
      for (int t = j; t <= end; t++) {
        if (Math.round(actual[order[t]]) == 1) {
          rankSumPositive += rank;
          positives++;
        }
      }
      j = end + 1;
    }
    int negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return null;
    }
    double auc = (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    double q1 = auc / (2 - auc);
    double q2 = 2 * auc * auc / (1 + auc);
    double variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc))
        / ((double) positives * negatives);
    return new double[] {auc, Math.sqrt(Math.max(0, variance))};
  }

  private static double[] meanAndError(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean);
    }
    var = values.length > 1 ? var / (values.length - 1) : 0;
    return new double[] {mean, Math.sqrt(var / values.length)};
  }

  private static double clamp(double p) {
    return Math.min(1, Math.max(0, p));
  }

  /** Whether the baseline names a classification metric. */
  static boolean classifier(Map<String, Double> baseline, float[] predicted, double actual) {
    for (String metric : new String[] {"accuracy", "roc_auc", "log_loss", "brier", "auc", "logloss"}) {
      if (baseline.containsKey(metric)) {
        return true;
      }
    }
    for (String metric : new String[] {"mae", "rmse", "r2"}) {
      if (baseline.containsKey(metric)) {
        return false;
      }
    }
    return actual == Math.rint(actual) && actual >= 0 && (predicted.length > 1 || (predicted[0] >= 0 && predicted[0] <= 1));
  }

  static final java.util.List<String> METRICS = QualityPolicy.METRICS;
}
