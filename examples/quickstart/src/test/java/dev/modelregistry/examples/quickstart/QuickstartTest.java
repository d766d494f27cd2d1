package dev.modelregistry.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tour keeps working: every prediction succeeds, v1 and v2 serve, the corrupt v3 never does, and the
 * store is left with its pointer on a version that serves.
 */
class QuickstartTest {

  @TempDir Path dir;

  @Test
  void theTourRunsWithoutAFailedPrediction() throws Exception {
    Quickstart.Summary summary = Quickstart.run(dir, Duration.ofMillis(200));
    assertThat(summary.failed()).isZero();
    assertThat(summary.predictions()).isPositive();
    assertThat(summary.versionsSeen()).containsKeys("v1", "v2").doesNotContainKey("v3");
    assertThat(summary.swaps()).containsExactly("v1 -> v2", "v2 -> v1");
    assertThat(summary.rejected()).containsExactly("v3");
    assertThat(summary.pointerAtEnd()).isEqualTo("v1");
    assertThat(summary.ok()).isTrue();
  }
}
