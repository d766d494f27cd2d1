package dev.modelregistry.trees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prepared row a forest walks: one slot per (feature, {@link Missing} rule) pair that some split uses,
 * holding the feature's value with that rule applied, as a {@link Forest#key}. Built while a model is read (not thread-safe then);
 * immutable and thread-safe once {@link #freeze()} has returned.
 */
final class Slots {

  private final Map<Long, Integer> index = new HashMap<>();
  private final List<int[]> defs = new ArrayList<>();
  private int[] features = new int[0];
  private Missing[] rules = new Missing[0];
  /** For XGBoost's two rules, the key a missing value reads as; 0 for the others. */
  private int[] missingKeys = new int[0];
  /** Whether every rule is XGBoost's, so that {@link #prepare} can take its short path. */
  private boolean nanRulesOnly;

  /** The slot of {@code feature} read with {@code rule}, added if new. */
  int slot(int feature, Missing rule) {
    long key = ((long) feature << 8) | rule.ordinal();
    return index.computeIfAbsent(key, k -> {
      defs.add(new int[] {feature, rule.ordinal()});
      return defs.size() - 1;
    });
  }

  Slots freeze() {
    features = new int[defs.size()];
    rules = new Missing[defs.size()];
    missingKeys = new int[defs.size()];
    nanRulesOnly = true;
    for (int i = 0; i < features.length; i++) {
      features[i] = defs.get(i)[0];
      rules[i] = Missing.values()[defs.get(i)[1]];
      nanRulesOnly &= rules[i] == Missing.NAN_LEFT || rules[i] == Missing.NAN_RIGHT;
      missingKeys[i] = Forest.key(rules[i].apply(Float.NaN));
    }
    return this;
  }

  int size() {
    return Math.max(features.length, 1);
  }

  /**
   * Fills {@code out[offset ..]} from one row. A value equal to {@code missing} (when that is not NaN) counts
   * as missing, as in XGBoost's {@code DMatrix}.
   */
  void prepare(float[] row, float missing, int[] out, int offset) {
    boolean custom = missing == missing;
    if (nanRulesOnly && !custom) {
      int[] features = this.features;
      int[] missingKeys = this.missingKeys;
      for (int i = 0; i < features.length; i++) {
        float x = row[features[i]];
        out[offset + i] = x != x ? missingKeys[i] : Forest.key(x);
      }
      return;
    }
    for (int i = 0; i < features.length; i++) {
      float x = row[features[i]];
      if (custom && x == missing) {
        x = Float.NaN;
      }
      out[offset + i] = Forest.key(rules[i].apply(x));
    }
  }

  /**
   * What prepares rows for a perfect-layout {@link Forest}: per lane, the {@link Forest#wide} key of slot
   * {@code laneSlot[l]}, clamped to {@code [low[l], high[l]]}; the last lane is the pass-through splits',
   * a constant ({@code low == high}), and reads no feature. Call after {@link #freeze()}.
   */
  Widener widener(int[] laneSlot, int[] low, int[] high) {
    int lanes = laneSlot.length - 1;
    int[] feature = new int[lanes];
    int[] missingKey = new int[lanes];
    Missing[] rule = new Missing[lanes];
    for (int l = 0; l < lanes; l++) {
      feature[l] = features[laneSlot[l]];
      missingKey[l] = missingKeys[laneSlot[l]];
      rule[l] = rules[laneSlot[l]];
    }
    return new Widener(feature, missingKey, rule, Arrays.copyOf(low, lanes), Arrays.copyOf(high, lanes),
        Forest.wide(low[lanes]), nanRulesOnly);
  }

  /**
   * Prepares one row's lanes for a perfect-layout forest, each lane's feature, missing key and clamp in
   * arrays of its own so that a lane costs no indirection. Immutable and thread-safe.
   */
  static final class Widener {
    private final int[] feature;
    private final int[] missingKey;
    private final Missing[] rule;
    private final int[] low;
    private final int[] high;
    private final long passThrough;
    private final boolean nanRulesOnly;

    private Widener(int[] feature, int[] missingKey, Missing[] rule, int[] low, int[] high, long passThrough,
        boolean nanRulesOnly) {
      this.feature = feature;
      this.missingKey = missingKey;
      this.rule = rule;
      this.low = low;
      this.high = high;
      this.passThrough = passThrough;
      this.nanRulesOnly = nanRulesOnly;
    }

    /** Fills {@code out[offset ..]} from one row (a value equal to {@code missing} counting as missing). */
    void prepare(float[] row, float missing, long[] out, int offset) {
      int[] feature = this.feature;
      int[] low = this.low;
      int[] high = this.high;
      out[offset + feature.length] = passThrough;
      if (nanRulesOnly && missing != missing) {
        int[] missingKey = this.missingKey;
        for (int l = 0; l < feature.length; l++) {
          out[offset + l] = Forest.wide(nanKey(row[feature[l]], missingKey[l], low[l], high[l]));
        }
        return;
      }
      for (int l = 0; l < feature.length; l++) {
        out[offset + l] = Forest.wide(ruleKey(row[feature[l]], missing, rule[l], low[l], high[l]));
      }
    }

    /**
     * Fills {@code out[l * TreePredictor.BLOCK + r]} with the clamped key of lane {@code l} for row {@code
     * rows[start + r]}, for {@code count} rows and every lane but the pass-through one: a block's keys lane by
     * lane, as the bit-sliced walk reads them (a value equal to {@code missing} counting as missing).
     */
    void columns(float[][] rows, int start, int count, float missing, int[] out) {
      int[] feature = this.feature;
      boolean nan = nanRulesOnly && missing != missing;
      for (int l = 0; l < feature.length; l++) {
        int f = feature[l];
        int lo = low[l];
        int hi = high[l];
        int at = l * TreePredictor.BLOCK;
        if (nan) {
          int missingKey = this.missingKey[l];
          for (int r = 0; r < count; r++) {
            out[at + r] = nanKey(rows[start + r][f], missingKey, lo, hi);
          }
        } else {
          Missing rule = this.rule[l];
          for (int r = 0; r < count; r++) {
            out[at + r] = ruleKey(rows[start + r][f], missing, rule, lo, hi);
          }
        }
      }
    }

    /** A lane's key of {@code x} when every rule is XGBoost's and NaN is the missing value, clamped. */
    private static int nanKey(float x, int missingKey, int low, int high) {
      return Math.min(Math.max(x != x ? missingKey : Forest.key(x), low), high);
    }

    /** A lane's key of {@code x} under its {@code rule}, a value equal to {@code missing} missing, clamped. */
    private static int ruleKey(float x, float missing, Missing rule, int low, int high) {
      return Math.min(Math.max(Forest.key(rule.apply(x == missing ? Float.NaN : x)), low), high);
    }

    long memoryBytes() {
      return 64L + 20L * feature.length;
    }
  }

  long memoryBytes() {
    return 16L + 9L * features.length;
  }
}
