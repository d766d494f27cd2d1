package dev.modelregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LeaseCounterTest {

  @Test
  void stripesArePowersOfTwoAtLeastFourTimesTheProcessors() {
    assertThat(LeaseCounter.stripes(1)).isEqualTo(4);
    assertThat(LeaseCounter.stripes(2)).isEqualTo(8);
    assertThat(LeaseCounter.stripes(3)).isEqualTo(16);
    assertThat(LeaseCounter.stripes(8)).isEqualTo(32);
    assertThat(LeaseCounter.stripes(64)).isEqualTo(64);
    assertThat(Integer.bitCount(LeaseCounter.STRIPES)).isEqualTo(1);
  }

  @Test
  void concurrentIncrementsAndDecrementsBalanceToZero() throws Exception {
    LeaseCounter counter = new LeaseCounter();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        int stripe = LeaseCounter.stripe();
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 200_000; i++) {
          counter.increment(stripe);
          counter.decrement(stripe);
        }
        counter.increment(stripe);
      });
      thread.start();
      all.add(thread);
    }
    start.countDown();
    for (Thread thread : all) {
      thread.join();
    }
    assertThat(counter.sum()).isEqualTo(threads);
  }

  @Test
  void threadsCreatedTogetherGetDifferentStripes() throws Exception {
    int[] stripes = new int[LeaseCounter.STRIPES];
    Thread[] threads = new Thread[LeaseCounter.STRIPES];
    for (int i = 0; i < threads.length; i++) {
      int slot = i;
      threads[i] = new Thread(() -> stripes[slot] = LeaseCounter.stripe());
    }
    for (Thread thread : threads) {
      thread.start();
      thread.join();
    }
    assertThat(stripes).doesNotHaveDuplicates();
  }

  @Test
  void aThreadAlwaysGetsTheSameStripe() {
    assertThat(LeaseCounter.stripe()).isEqualTo(LeaseCounter.stripe()).isBetween(0, LeaseCounter.STRIPES - 1);
  }
}
