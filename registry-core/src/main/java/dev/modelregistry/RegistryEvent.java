package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Something that happened to a model in a registry, reported to {@link RegistryListener}s. Immutable. */
public sealed interface RegistryEvent {

  /** The model concerned. */
  String model();

  /**
   * A version was loaded, validated and warmed up, and is about to be swapped in.
   *
   * @param model the model
   * @param version the version loaded
   * @param source where its files came from
   * @param took how long fetching, verifying, loading and warming up took
   * @param bytesDownloaded bytes transferred from the store (0 when the local cache had the version)
   */
  record Loaded(String model, String version, ModelSource source, Duration took, long bytesDownloaded)
      implements RegistryEvent {
    /** Checks. */
    public Loaded {
      requireNonNull(model, "model");
      requireNonNull(version, "version");
      requireNonNull(source, "source");
      requireNonNull(took, "took");
    }
  }

  /**
   * A version became the live one; calls that start from now on use it.
   *
   * @param model the model
   * @param previousVersion the version it replaced, or null for the first version
   * @param version the version now served
   * @param source where it came from
   */
  record Swapped(String model, @Nullable String previousVersion, String version, ModelSource source)
      implements RegistryEvent {
    /** Checks. */
    public Swapped {
      requireNonNull(model, "model");
      requireNonNull(version, "version");
      requireNonNull(source, "source");
    }
  }

  /**
   * A version could not be fetched, verified, loaded or validated; it is not served, the previous version
   * (if any) keeps serving, and it is retried with backoff.
   *
   * @param model the model
   * @param version the version that failed, or null when the failure came before a version was known
   * @param source the source that was tried
   * @param cause what went wrong
   */
  record LoadFailed(String model, @Nullable String version, ModelSource source, Throwable cause)
      implements RegistryEvent {
    /** Checks. */
    public LoadFailed {
      requireNonNull(model, "model");
      requireNonNull(source, "source");
      requireNonNull(cause, "cause");
    }
  }

  /**
   * The store could not give the model at start, so a fallback serves it.
   *
   * @param model the model
   * @param source the fallback used: {@link ModelSource#CACHE} or {@link ModelSource#BUNDLED}
   * @param version the version the fallback serves
   * @param reason why the store could not
   */
  record FellBack(String model, ModelSource source, String version, String reason)
      implements RegistryEvent {
    /** Checks. */
    public FellBack {
      requireNonNull(model, "model");
      requireNonNull(source, "source");
      requireNonNull(version, "version");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A version was swapped out; it is closed once the calls still using it have returned.
   *
   * @param model the model
   * @param version the version retired
   * @param inFlight calls that were using it at the moment it was retired
   */
  record Retired(String model, String version, long inFlight) implements RegistryEvent {
    /** Checks. */
    public Retired {
      requireNonNull(model, "model");
      requireNonNull(version, "version");
    }
  }

  /**
   * A retired version was closed (its native memory freed).
   *
   * @param model the model
   * @param version the version closed
   * @param waited how long it waited between retirement and close for its last calls to end
   */
  record Closed(String model, String version, Duration waited) implements RegistryEvent {
    /** Checks. */
    public Closed {
      requireNonNull(model, "model");
      requireNonNull(version, "version");
      requireNonNull(waited, "waited");
    }
  }

  /**
   * A discovered model was evicted from the registry, to stay within its bounds or because no call asked for
   * it for the idle time; its versions are retired (and closed once their last calls have returned) like a
   * swapped-out version. Asking for it again loads it again, from the local cache when it still has it.
   *
   * @param model the model
   * @param reason why: {@code size} (over the weight or count bound) or {@code expired} (idle)
   */
  record Evicted(String model, String reason) implements RegistryEvent {
    /** Checks. */
    public Evicted {
      requireNonNull(model, "model");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A poll of the store ended.
   *
   * @param model the model
   * @param result what it found
   * @param took how long reading the pointer took
   * @param failure the error, when {@code result} is {@link ModelStatus.PollResult#FAILED}
   */
  record Polled(String model, ModelStatus.PollResult result, Duration took, @Nullable Throwable failure)
      implements RegistryEvent {
    /** Checks. */
    public Polled {
      requireNonNull(model, "model");
      requireNonNull(result, "result");
      requireNonNull(took, "took");
    }
  }

  /**
   * A lease has been held longer than the registry's {@code leaseWarningAfter}: it keeps its version open,
   * and if the version is retired, keeps it from being closed.
   *
   * @param model the model
   * @param version the leased version
   * @param heldFor how long it has been held
   * @param thread the name of the thread that took it
   * @param acquiredAt the stack where it was taken, or null when stack capture is off
   */
  record LeaseOverdue(
      String model, String version, Duration heldFor, String thread, @Nullable Throwable acquiredAt)
      implements RegistryEvent {
    /** Checks. */
    public LeaseOverdue {
      requireNonNull(model, "model");
      requireNonNull(version, "version");
      requireNonNull(heldFor, "heldFor");
      requireNonNull(thread, "thread");
    }
  }

  /**
   * The model's rollout changed: a canary or a shadow started, stopped, or changed its share. Calls that start
   * from now on route by the new state.
   *
   * @param model the model
   * @param rollout the rollout now in force
   */
  record RolloutChanged(String model, ModelStatus.Rollout rollout) implements RegistryEvent {
    /** Checks. */
    public RolloutChanged {
      requireNonNull(model, "model");
      requireNonNull(rollout, "rollout");
    }
  }

  /**
   * A shadow pair ended (the shadow stopped, or the stable version changed): its final comparison.
   *
   * @param model the model
   * @param comparison how the shadow's answers compared with the stable version's
   */
  record ShadowCompared(String model, ShadowComparison comparison) implements RegistryEvent {
    /** Checks. */
    public ShadowCompared {
      requireNonNull(model, "model");
      requireNonNull(comparison, "comparison");
    }
  }

  /**
   * The performance of a version on an arm changed state: it degraded (a metric breached its threshold
   * against the baseline), or recovered. The hook for a retraining scheduler.
   *
   * @param model the model
   * @param quality the arm's quality now
   */
  record QualityChanged(String model, QualityReport.ArmQuality quality) implements RegistryEvent {
    /** Checks. */
    public QualityChanged {
      requireNonNull(model, "model");
      requireNonNull(quality, "quality");
    }
  }

  /**
   * A feature's served values drifted from the training reference (its PSI crossed a threshold), or came
   * back.
   *
   * @param model the model
   * @param drift the feature's drift now
   */
  record InputDrifted(String model, QualityReport.FeatureDrift drift) implements RegistryEvent {
    /** Checks. */
    public InputDrifted {
      requireNonNull(model, "model");
      requireNonNull(drift, "drift");
    }
  }
}
