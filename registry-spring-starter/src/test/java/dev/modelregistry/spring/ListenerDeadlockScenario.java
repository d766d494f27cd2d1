package dev.modelregistry.spring;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.RegistryEvent;
import dev.modelregistry.RegistryListener;
import dev.modelregistry.linear.LinearModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The deadlock scenario, run in a child JVM by {@link ListenerDeadlockTest}: several models swap at once on
 * four loader threads while a listener reads the registry (status, current, prediction stats) on every
 * event, and, with {@code spring}, the starter's own metrics and readiness listeners are attached too. Each
 * run makes 1,000 rounds in which every model's pointer moves and one refresh swaps them all. A watchdog
 * thread prints every thread's stack and exits 3 if a run hangs.
 *
 * <p>Arguments: {@code plain|spring runs rounds models}.
 */
public final class ListenerDeadlockScenario {

  static final String REPORT = "DEADLOCK-SCENARIO-REPORT";

  private ListenerDeadlockScenario() {}

  public static void main(String[] args) throws Exception {
    boolean spring = args[0].equals("spring");
    int runs = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int models = Integer.parseInt(args[3]);
    AtomicLong progress = new AtomicLong();
    Thread watchdog = new Thread(() -> watch(progress), "deadlock-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    long events = 0;
    long swaps = 0;
    for (int run = 0; run < runs; run++) {
      long[] counts = run(spring, rounds, models, progress);
      events += counts[0];
      swaps += counts[1];
    }
    System.out.println(REPORT + " runs=" + runs + " swaps=" + swaps + " events=" + events);
    System.exit(0);
  }

  private static long[] run(boolean spring, int rounds, int models, AtomicLong progress) throws Exception {
    InMemoryModelStore store = new InMemoryModelStore();
    ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("scenario").build();
    List<String> names = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      String name = "model_" + m;
      names.add(name);
      for (int v = 1; v <= 2; v++) {
        publisher.publish(name, Publication.builder().file("model.json", LinearModel.constant(v, 2).toJson()).build());
      }
      publisher.promote(name, "v1", null);
    }
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    AtomicLong seen = new AtomicLong();
    AtomicLong swapped = new AtomicLong();
    RegistryListener reader = new RegistryListener() {
      @Override
      public void onEvent(RegistryEvent event) {
        seen.incrementAndGet();
        if (event instanceof RegistryEvent.Swapped) {
          swapped.incrementAndGet();
        }
        ModelRegistry registry = beans.getBeanProvider(ModelRegistry.class).getIfAvailable();
        if (registry != null) {
          registry.status(event.model());
          registry.current(event.model()).version();
          registry.predictionStats(event.model());
        }
      }
    };
    Path cache = Files.createTempDirectory("deadlock-scenario");
    ModelRegistry.Builder builder = ModelRegistry.builder()
        .store(store)
        .cacheDirectory(cache)
        .polling(false)
        .loaderThreads(4)
        .recordPredictionStats(true)
        .listener(reader);
    ModelRegistryMetrics metrics = null;
    if (spring) {
      metrics = new ModelRegistryMetrics(beans.getBeanProvider(ModelRegistry.class), Clock.systemUTC());
      builder.listener(metrics);
      builder.listener(new ModelReadinessGate(event -> {}, beans.getBeanProvider(ModelRegistry.class)));
    }
    names.forEach(builder::model);
    try (ModelRegistry registry = builder.build()) {
      beans.addBean("registry", registry);
      if (metrics != null) {
        metrics.bindTo(new SimpleMeterRegistry());
      }
      for (int round = 0; round < rounds; round++) {
        String version = round % 2 == 0 ? "v2" : "v1";
        for (String name : names) {
          publisher.promote(name, version, null);
        }
        registry.refresh();
        for (String name : names) {
          if (!registry.current(name).version().equals(version)) {
            throw new AssertionError(name + " serves " + registry.current(name).version() + " after round " + round);
          }
        }
        progress.incrementAndGet();
      }
    }
    return new long[] {seen.get(), swapped.get()};
  }

  /** Prints every thread's stack and exits 3 when no round has ended for 20 seconds. */
  private static void watch(AtomicLong progress) {
    long last = -1;
    while (true) {
      try {
        Thread.sleep(20_000);
      } catch (InterruptedException e) {
        return;
      }
      long now = progress.get();
      if (now == last) {
        System.out.println("HUNG after " + now + " rounds");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
          System.out.print(info);
        }
        System.exit(3);
      }
      last = now;
    }
  }
}
