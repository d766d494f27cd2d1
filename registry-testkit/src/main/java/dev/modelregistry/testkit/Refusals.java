package dev.modelregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelStatus;

/**
 * Assertions for tests that put something bad into a store: the registry must refuse it, report why, and
 * keep serving what it had. Stateless and thread-safe.
 */
public final class Refusals {

  private Refusals() {}

  /**
   * Polls now, asserts that {@code model} still serves {@code version} and predicts {@code expected} for
   * {@code row}, and returns the message of the failure its status reports.
   */
  public static String refreshAndKeepServing(
      ModelRegistry registry, String model, String version, float[] row, float... expected) {
    registry.refresh();
    assertThat(registry.current(model).version()).as("%s keeps serving %s", model, version).isEqualTo(version);
    assertThat(registry.current(model).predict(row)).containsExactly(expected);
    ModelStatus.Failure failure = registry.status(model).lastFailure();
    assertThat(failure).as("a failure of %s is reported in its status", model).isNotNull();
    return failure.message();
  }
}
