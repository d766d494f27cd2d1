package dev.modelregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.testkit.ForkedJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listeners that read the registry on every event never deadlock it: 2 models swap at once on 4 loader
 * threads, 20 runs of 1,000 rounds, in a child JVM that dumps its threads and fails if a round hangs. Before
 * events were delivered outside the registry's locks, this hung in every run.
 */
class ListenerDeadlockTest {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "spring"})
  void listenersThatReadTheRegistryOnEveryEventNeverDeadlockIt(String listeners) throws Exception {
    ForkedJvm.Result result = ForkedJvm.run(ListenerDeadlockScenario.class, List.of("-Xmx256m"),
        List.of(listeners, "20", "1000", "2"), Duration.ofMinutes(4));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.lineAfter(ListenerDeadlockScenario.REPORT)).as(result.output())
        .contains("runs=20").contains("swaps=" + (20 * (1000 + 1) * 2));
  }
}
