package dev.modelregistry.trees;

import java.util.ArrayList;
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
   * Fills {@code out[offset ..]} from one row for a perfect-layout {@link Forest}: per lane, the {@link
   * Forest#wide} key of slot {@code laneSlot[l]}, clamped to {@code [low[l], high[l]]}.
   */
  void prepareWide(float[] row, float missing, int[] laneSlot, int[] low, int[] high, long[] out, int offset) {
    int[] features = this.features;
    if (nanRulesOnly && missing != missing) {
      int[] missingKeys = this.missingKeys;
      for (int l = 0; l < laneSlot.length; l++) {
        int slot = laneSlot[l];
        float x = row[features[slot]];
        int key = x != x ? missingKeys[slot] : Forest.key(x);
        out[offset + l] = Forest.wide(Math.min(Math.max(key, low[l]), high[l]));
      }
      return;
    }
    for (int l = 0; l < laneSlot.length; l++) {
      int slot = laneSlot[l];
      float x = row[features[slot]];
      if (x == missing) {
        x = Float.NaN;
      }
      int key = Forest.key(rules[slot].apply(x));
      out[offset + l] = Forest.wide(Math.min(Math.max(key, low[l]), high[l]));
    }
  }

  long memoryBytes() {
    return 16L + 9L * features.length;
  }
}
