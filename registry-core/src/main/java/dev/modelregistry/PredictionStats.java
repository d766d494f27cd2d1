package dev.modelregistry;

import java.util.concurrent.TimeUnit;

/**
 * Live prediction counts and times of one loaded version, for metrics (a Micrometer {@code FunctionTimer}
 * reads exactly these). Recorded only when the registry was built with {@code recordPredictionStats(true)}.
 * Thread-safe.
 *
 * <p>Every call is counted; one call in eight is timed and the total time extrapolated from those, because
 * reading the clock twice per call would cost more than the rest of the read path.
 */
public interface PredictionStats {

  /** The model. */
  String model();

  /** The version. */
  String version();

  /** Calls made that did not throw, counted when they start (batches count once). */
  long count();

  /** Calls that threw. */
  long failures();

  /** The total time spent in calls, returned or thrown, extrapolated from the timed ones. */
  double totalTime(TimeUnit unit);
}
