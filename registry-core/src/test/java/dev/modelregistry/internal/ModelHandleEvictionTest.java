package dev.modelregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.RegistryClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call on the handle of an evicted model goes to the model loaded again; when every load is evicted again
 * before the call can use it (a bound too tight for the models in use), the call says so after a bounded
 * number of loads, and does not claim the registry is closed.
 */
class ModelHandleEvictionTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Retirement retirement = new Retirement(new Events(List.of()), scheduler, System::nanoTime,
      Duration.ofMinutes(1), false);
  private final ShadowRunner shadows = new ShadowRunner(1, 1);

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
    shadows.close();
  }

  @Test
  void aModelEvictedAgainOnEveryLoadIsReportedAsSuchAfterBoundedTries() {
    ModelHandle evicted = new ModelHandle("dish", retirement, shadows);
    evicted.closeSlot();
    AtomicInteger loads = new AtomicInteger();
    evicted.followEviction(name -> {
      loads.incrementAndGet();
      ModelHandle again = new ModelHandle(name, retirement, shadows);
      again.closeSlot(); // evicted before the call reads it
      return again;
    });

    assertThatThrownBy(() -> evicted.predict(new float[] {1f}))
        .isInstanceOf(ModelNotFoundException.class)
        .isNotInstanceOf(RegistryClosedException.class)
        .hasMessageContaining("model dish was evicted again each of the 64 times")
        .hasMessageContaining("too tight");
    assertThat(loads.get()).isEqualTo(64);
  }

  @Test
  void aHandleWithoutSuccessorSaysTheRegistryIsClosed() {
    ModelHandle closed = new ModelHandle("dish", retirement, shadows);
    closed.closeSlot();
    assertThatThrownBy(() -> closed.predict(new float[] {1f})).isInstanceOf(RegistryClosedException.class);
  }
}
