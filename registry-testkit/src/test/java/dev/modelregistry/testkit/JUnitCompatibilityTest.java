package dev.modelregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The kit is built and its own tests run on the JUnit 5 API (here), and the stores' contract tests run it
 * on JUnit 6 (registry-filesystem, registry-s3): it works under both, and brings neither.
 */
class JUnitCompatibilityTest {

  @Test
  void theKitIsBuiltAndTestedOnJUnit5() {
    assertThat(Test.class.getPackage().getImplementationVersion()).startsWith("5.");
  }
}
