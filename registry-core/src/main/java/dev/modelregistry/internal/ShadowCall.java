package dev.modelregistry.internal;

import java.util.Map;

/**
 * One call handed to a shadow: a copy of the input, the stable version's answer, and a lease on the shadow
 * version (opened by the caller, released here) so the shadow is not closed while it runs.
 */
final class ShadowCall implements Runnable {

  private final ShadowRunner runner;
  private final Routing.ShadowArm arm;
  private final int stripe;
  private final Object input;
  private final Object primary;
  private final long primaryNanos;

  ShadowCall(ShadowRunner runner, Routing.ShadowArm arm, int stripe, Object input, Object primary, long primaryNanos) {
    this.runner = runner;
    this.arm = arm;
    this.stripe = stripe;
    this.input = input;
    this.primary = primary;
    this.primaryNanos = primaryNanos;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void run() {
    LoadedVersion v = arm.version();
    try {
      if (runner.isClosed()) {
        return;
      }
      long start = System.nanoTime();
      if (input instanceof float[] row) {
        float[] out = v.predict(row);
        arm.stats().compare((float[]) primary, out, primaryNanos, System.nanoTime() - start);
      } else if (input instanceof float[][] rows) {
        float[][] out = v.predict(rows);
        arm.stats().compare((float[][]) primary, out, primaryNanos, System.nanoTime() - start);
      } else {
        float[] out = v.predict((Map<String, ? extends Number>) input);
        arm.stats().compare((float[]) primary, out, primaryNanos, System.nanoTime() - start);
      }
    } catch (RuntimeException e) {
      arm.stats().failed();
    } finally {
      v.leases.closeLease(stripe);
    }
  }
}
