package dev.modelregistry.trees;

/**
 * How one split treats a missing value, folded into the feature value before the trees are walked, so that
 * every split becomes the single comparison {@code value >= threshold} (go right) with no test for missing.
 * A split that sends missing values left reads the feature with NaN replaced by -∞; one that sends them right
 * reads it with NaN replaced by +∞. That is exact because no threshold is NaN or -∞ (checked at load): a real -∞ or +∞ compares as
 * itself, and the replacement sends NaN where the split's default says.
 */
enum Missing {
  /** XGBoost, and LightGBM's {@code missing_type=NaN}, default left: NaN goes left. */
  NAN_LEFT,
  /** The same, default right: NaN goes right. */
  NAN_RIGHT,
  /** LightGBM's {@code missing_type=None}: NaN is read as 0. */
  NAN_AS_ZERO,
  /** LightGBM's {@code missing_type=Zero}, default left: NaN and zero go left. */
  ZERO_LEFT,
  /** The same, default right. */
  ZERO_RIGHT;

  /** LightGBM's {@code kZeroThreshold}: values within it of zero are zero. */
  static final float ZERO_THRESHOLD = 1e-35f;

  /** The value a split with this rule compares. */
  float apply(float x) {
    return switch (this) {
      case NAN_LEFT -> x != x ? Float.NEGATIVE_INFINITY : x;
      case NAN_RIGHT -> x != x ? Float.POSITIVE_INFINITY : x;
      case NAN_AS_ZERO -> x != x || isZero(x) ? 0f : x;
      case ZERO_LEFT -> x != x || isZero(x) ? Float.NEGATIVE_INFINITY : x;
      case ZERO_RIGHT -> x != x || isZero(x) ? Float.POSITIVE_INFINITY : x;
    };
  }

  private static boolean isZero(float x) {
    return x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD;
  }
}
