package dev.modelregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PredictionCountersTest {

  @Test
  void everyCallIsCountedAndOneInEightIsTimed() {
    PredictionCounters counters = new PredictionCounters("m", "v1");
    int timed = 0;
    for (int i = 0; i < 64; i++) {
      long start = counters.start(i % 2);
      if (start != PredictionCounters.NOT_TIMED) {
        timed++;
      }
      counters.end(i % 2, start, i != 5);
    }
    assertThat(timed).isEqualTo(64 / PredictionCounters.SAMPLE_EVERY);
    assertThat(counters.count()).isEqualTo(63);
    assertThat(counters.failures()).isEqualTo(1);
    assertThat(counters.totalTime(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void theTotalTimeIsExtrapolatedFromTheTimedCalls() throws Exception {
    PredictionCounters counters = new PredictionCounters("m", "v1");
    for (int i = 0; i < 16; i++) {
      long start = counters.start(0);
      if (start != PredictionCounters.NOT_TIMED) {
        Thread.sleep(20);
      }
      counters.end(0, start, true);
    }
    // Two timed calls of at least 20 ms each stand for all 16 calls.
    assertThat(counters.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(16 * 20.0);
    assertThat(new PredictionCounters("m", "v2").totalTime(TimeUnit.SECONDS)).isCloseTo(0.0, within(0.0));
  }
}
