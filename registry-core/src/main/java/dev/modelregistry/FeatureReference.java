package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distribution of one training feature, stored in the manifest's {@code reference} so a registry can
 * tell when served inputs drift from it: quantile bin edges and the share of training rows in each bin,
 * and the share of missing values (NaN), a bin of its own. Bins are {@code (-inf, e1)}, {@code [e1, e2)},
 * ..., {@code [ek, +inf)}. Immutable.
 *
 * <pre>{@code
 * "reference": {"runs_needed": {"edges": [12.0, 30.0, 51.0], "proportions": [0.25, 0.25, 0.25, 0.25],
 *                               "missing": 0.0}, ...}
 * }</pre>
 *
 * @param edges the ascending bin edges, at most 29
 * @param proportions the share of rows in each bin, one more than the edges
 * @param missing the share of rows whose value was missing
 */
public record FeatureReference(List<Double> edges, List<Double> proportions, double missing) {

  /** The most bins a reference may have (missing values aside). */
  public static final int MAX_BINS = 30;

  /** Checks and copies. */
  public FeatureReference {
    edges = List.copyOf(edges);
    proportions = List.copyOf(proportions);
    if (proportions.size() != edges.size() + 1 || proportions.size() > MAX_BINS) {
      throw new IllegalArgumentException("a feature reference needs one more proportion than edges, at most "
          + MAX_BINS + " bins, but has " + edges.size() + " edges and " + proportions.size() + " proportions");
    }
    for (int i = 0; i < edges.size(); i++) {
      double e = requireNonNull(edges.get(i), "edge");
      if (!Double.isFinite(e) || (i > 0 && !(e > edges.get(i - 1)))) {
        throw new IllegalArgumentException("feature reference edges must be finite and ascending: " + edges);
      }
    }
    double sum = missing;
    for (Double p : proportions) {
      if (p == null || !(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("feature reference proportions must be in [0, 1]: " + proportions);
      }
      sum += p;
    }
    if (!(missing >= 0 && missing <= 1) || Math.abs(sum - 1) > 1e-3) {
      throw new IllegalArgumentException("feature reference proportions and missing must add up to 1 but add up to "
          + sum);
    }
  }

  /** The bin of {@code value}: the number of edges at most it, or -1 for a missing value. */
  public int bin(double value) {
    if (Double.isNaN(value)) {
      return -1;
    }
    int low = 0;
    int high = edges.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (edges.get(mid) <= value) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * The reference of one column of training values: edges at the quantiles {@code i / bins}, merged where
   * they coincide, and the share of values in each bin.
   *
   * @param bins the most bins, 2 to {@value #MAX_BINS}
   */
  public static FeatureReference of(float[] values, int bins) {
    if (bins < 2 || bins > MAX_BINS) {
      throw new IllegalArgumentException("bins must be in [2, " + MAX_BINS + "] but was " + bins);
    }
    double[] present = new double[values.length];
    int n = 0;
    for (float v : values) {
      if (!Float.isNaN(v)) {
        present[n++] = v;
      }
    }
    if (values.length == 0) {
      throw new IllegalArgumentException("a feature reference needs at least one row");
    }
    double[] sorted = Arrays.copyOf(present, n);
    Arrays.sort(sorted);
    List<Double> edges = new ArrayList<>();
    for (int i = 1; i < bins && n > 0; i++) {
      double q = sorted[Math.min(n - 1, (int) Math.floor((double) i * n / bins))];
      if (edges.isEmpty() || q > edges.get(edges.size() - 1)) {
        if (q > sorted[0]) {
          edges.add(q);
        }
      }
    }
    FeatureReference shape = new FeatureReference(edges, uniform(edges.size() + 1, n == 0 ? 0 : 1.0), n == 0 ? 1 : 0);
    double[] counts = new double[edges.size() + 1];
    for (int i = 0; i < n; i++) {
      counts[shape.bin(sorted[i])]++;
    }
    List<Double> proportions = new ArrayList<>();
    for (double c : counts) {
      proportions.add(c / values.length);
    }
    return new FeatureReference(edges, proportions, (values.length - n) / (double) values.length);
  }

  private static List<Double> uniform(int bins, double total) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      out.add(total / bins);
    }
    return out;
  }
}
