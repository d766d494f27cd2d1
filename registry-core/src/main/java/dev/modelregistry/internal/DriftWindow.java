package dev.modelregistry.internal;

import dev.modelregistry.FeatureReference;
import java.util.List;

/**
 * The served values of one version's features, binned by the training reference, over a window of input
 * samples: PSI and Jensen-Shannon distance against the reference. Fixed memory. Not thread-safe: used by the
 * quality monitor's thread only.
 */
final class DriftWindow {

  /** Added to every share so an empty bin has a finite logarithm (the usual PSI smoothing). */
  private static final double EPSILON = 1e-4;

  final List<String> features;
  final FeatureReference[] references;
  private final long[][] counts; // per feature: the bins, then the missing bin last
  private long samples;

  DriftWindow(List<String> features, FeatureReference[] references) {
    this.features = features;
    this.references = references;
    this.counts = new long[references.length][];
    for (int f = 0; f < references.length; f++) {
      counts[f] = references[f] == null ? null : new long[references[f].proportions().size() + 1];
    }
  }

  void add(float[] row) {
    samples++;
    for (int f = 0; f < references.length && f < row.length; f++) {
      FeatureReference ref = references[f];
      if (ref != null) {
        int bin = ref.bin(row[f]);
        counts[f][bin < 0 ? counts[f].length - 1 : bin]++;
      }
    }
  }

  long samples() {
    return samples;
  }

  /** {psi, jsDistance} of feature {@code f} over the window. */
  double[] drift(int f) {
    FeatureReference ref = references[f];
    long[] c = counts[f];
    int bins = c.length;
    double psi = 0;
    double js = 0;
    double total = samples;
    for (int b = 0; b < bins; b++) {
      double expected = (b == bins - 1 ? ref.missing() : ref.proportions().get(b)) + EPSILON;
      double actual = c[b] / total + EPSILON;
      psi += (actual - expected) * Math.log(actual / expected);
      double m = (actual + expected) / 2;
      js += 0.5 * actual * log2(actual / m) + 0.5 * expected * log2(expected / m);
    }
    return new double[] {psi, Math.sqrt(Math.max(0, js))};
  }

  void reset() {
    samples = 0;
    for (long[] c : counts) {
      if (c != null) {
        java.util.Arrays.fill(c, 0);
      }
    }
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
