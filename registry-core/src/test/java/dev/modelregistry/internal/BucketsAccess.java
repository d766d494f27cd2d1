package dev.modelregistry.internal;

/** Test access to the bucketing. */
public final class BucketsAccess {
  private BucketsAccess() {}

  public static int variantTarget(String group, String unit, int total) {
    return Buckets.variantTarget(Buckets.Prefix.of(group, Buckets.VARIANT_SEED), unit, total);
  }
}
