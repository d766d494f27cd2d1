package dev.modelregistry.internal;

/**
 * A lease that records the thread and the stack where it was taken, for registries built with {@code
 * captureLeaseStacks(true)}: it is registered with the watchdog until closed, so an overdue report can say
 * where it came from. Costs a stack capture and a set insertion per lease. Thread-safe.
 */
final class TrackedLease extends LeaseImpl {

  final long acquiredAtNanos;
  final String threadName;
  final Throwable acquiredAt;
  volatile boolean reported;
  private final Retirement retirement;

  TrackedLease(LoadedVersion version, int stripe, dev.modelregistry.Arm arm, Retirement retirement, long nowNanos) {
    super(version, stripe, arm);
    this.retirement = retirement;
    this.acquiredAtNanos = nowNanos;
    this.threadName = Thread.currentThread().getName();
    this.acquiredAt = new LeaseOrigin("lease on model " + version.model + " " + version.version + " taken here");
  }

  @Override
  void released() {
    retirement.untrack(this);
  }

  /** Records where a lease was taken; printed as the cause of an overdue-lease warning. */
  static final class LeaseOrigin extends Throwable {
    private static final long serialVersionUID = 1L;

    LeaseOrigin(String message) {
      super(message, null, false, true);
    }
  }
}
