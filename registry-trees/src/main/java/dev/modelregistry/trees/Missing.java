package dev.modelregistry.trees;

/**
 * How one split treats a missing value, folded into the feature value before the trees are walked, so that
 * every split becomes the single comparison {@code value >= threshold} (go right) with no test for missing.
 * A split that sends missing values left reads the feature with NaN replaced by -∞; one that sends them right
 * reads it with NaN replaced by +∞.
 *
 * <p>That is exact for XGBoost because no threshold is NaN or -∞ (checked at load): a real ±∞ compares as
 * itself. LightGBM splits go right when {@code x > t} (not {@code x >= t}) and may have {@code t = +∞}, which
 * sends a real +∞ left but a missing value with default right, right; so the LightGBM rules read a real +∞ as
 * the largest float (exact, because finite LightGBM thresholds at or above it are refused at load). LightGBM
 * also reads values within {@value #ZERO_THRESHOLD} of zero as zero, as its dense-row input does.
 */
enum Missing {
  /** XGBoost, default left: NaN goes left. */
  NAN_LEFT,
  /** XGBoost, default right: NaN goes right. */
  NAN_RIGHT,
  /** LightGBM's {@code missing_type=NaN}, default left. */
  LIGHTGBM_NAN_LEFT,
  /** LightGBM's {@code missing_type=NaN}, default right. */
  LIGHTGBM_NAN_RIGHT,
  /** LightGBM's {@code missing_type=None}: NaN is read as 0. */
  LIGHTGBM_NAN_AS_ZERO,
  /** LightGBM's {@code missing_type=Zero}, default left: NaN and zero go left. */
  LIGHTGBM_ZERO_LEFT,
  /** LightGBM's {@code missing_type=Zero}, default right. */
  LIGHTGBM_ZERO_RIGHT;

  /** LightGBM's {@code kZeroThreshold}: values within it of zero are zero. */
  static final float ZERO_THRESHOLD = 1e-35f;

  /** The value a split with this rule compares. */
  float apply(float x) {
    if (this == NAN_LEFT) {
      return x != x ? Float.NEGATIVE_INFINITY : x;
    }
    if (this == NAN_RIGHT) {
      return x != x ? Float.POSITIVE_INFINITY : x;
    }
    float v = x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD ? 0f : x == Float.POSITIVE_INFINITY ? Float.MAX_VALUE : x;
    boolean missing = v != v || (v == 0f && (this == LIGHTGBM_ZERO_LEFT || this == LIGHTGBM_ZERO_RIGHT));
    if (!missing) {
      return v;
    }
    return switch (this) {
      case LIGHTGBM_NAN_AS_ZERO -> 0f;
      case LIGHTGBM_NAN_LEFT, LIGHTGBM_ZERO_LEFT -> Float.NEGATIVE_INFINITY;
      default -> Float.POSITIVE_INFINITY;
    };
  }
}
