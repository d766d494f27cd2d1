package dev.modelregistry;

import java.util.concurrent.TimeUnit;

/**
 * Live prediction counts and times of one loaded version, for metrics (a Micrometer {@code FunctionTimer}
 * reads exactly these). Recorded only when the registry was built with {@code recordPredictionStats(true)}.
 * Thread-safe; the values only grow, and are exact once no call is in flight.
 */
public interface PredictionStats {

  /** The model. */
  String model();

  /** The version. */
  String version();

  /** Calls that returned (batches count once). */
  long count();

  /** Calls that threw. */
  long failures();

  /** The total time spent in calls, returned or thrown. */
  double totalTime(TimeUnit unit);
}
