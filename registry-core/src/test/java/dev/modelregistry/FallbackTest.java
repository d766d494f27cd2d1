package dev.modelregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Sources in order: the store, the cache's last good version, the bundled copy; and recovery. */
class FallbackTest extends RegistryHarness {

  private ModelRegistry.Builder withBundle() {
    return builder().fallback(ClasspathModelStore.of("bundled-models"));
  }

  /** Runs a registry once so the cache holds v1 as last good, then closes it. */
  private void warmTheCache() {
    release(1);
    build(builder().model(MODEL)).close();
  }

  @Test
  void withTheStoreDownAtStartTheCachesLastGoodVersionServesUntilTheStoreReturns() {
    warmTheCache();
    store.offline(true);

    ModelRegistry registry = build(withBundle().model(MODEL));

    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.CACHE);
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);
    RegistryEvent.FellBack fellBack = events.of(RegistryEvent.FellBack.class).get(0);
    assertThat(fellBack.source()).isEqualTo(ModelSource.CACHE);
    assertThat(fellBack.reason()).contains("store unreachable");
    assertThat(registry.status(MODEL).lastFailure().message()).contains("store unreachable");

    store.offline(false);
    registry.refresh();

    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.STORE);
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(events.of(RegistryEvent.Loaded.class)).last()
        .extracting(RegistryEvent.Loaded::bytesDownloaded).isEqualTo(0L);
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void withTheStoreAndTheCacheEmptyTheBundledCopyServes() {
    store.offline(true);

    ModelRegistry registry = build(withBundle().model(MODEL));

    assertThat(registry.current(MODEL).version()).isEqualTo("v3");
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
    assertThat(registry.current(MODEL).predict(row())).containsExactly(0.42f);
    assertThat(registry.current(MODEL).manifest()).isPresent();
    assertThat(events.of(RegistryEvent.FellBack.class)).extracting(RegistryEvent.FellBack::source)
        .containsExactly(ModelSource.BUNDLED);

    store.offline(false);
    release(1);
    registry.refresh();
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.STORE);
    assertThat(registry.current(MODEL).predict(row())).containsExactly(1f);
  }

  @Test
  void aModelTheStoreHasNeverSeenIsServedFromTheBundle() {
    ModelRegistry registry = build(withBundle().model(MODEL));
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
    assertThat(registry.status(MODEL).lastFailure().message()).contains("no latest.json");
  }

  @Test
  void aBundleWithoutPointerServesItsHighestVersion() {
    ModelRegistry registry = build(withBundle().model("odi_score_predictor"));
    assertThat(registry.current("odi_score_predictor").version()).isEqualTo("v2");
    assertThat(registry.current("odi_score_predictor").predict(new float[] {1, 2})).containsExactly(203f);
  }

  @Test
  void aDamagedCacheCopyIsDiscardedRatherThanServed() throws Exception {
    warmTheCache();
    Path cached = dir.resolve("cache").resolve(MODEL).resolve("v1").resolve("model.json");
    Files.writeString(cached, Files.readString(cached).replace("1.0", "9.0"));
    store.offline(true);

    ModelRegistry registry = build(withBundle().model(MODEL));

    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.BUNDLED);
    assertThat(dir.resolve("cache").resolve(MODEL).resolve("v1")).doesNotExist();
  }

  @Test
  void aStoreVersionThatFailsAtStartFallsBackAndTheNextGoodVersionIsServed() {
    warmTheCache();
    memory.put(MODEL + "/latest.json", "{\"version\": \"v8\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    ModelRegistry registry = build(withBundle().model(MODEL));

    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.CACHE);
    assertThat(registry.status(MODEL).lastFailure().version()).isEqualTo("v8");
    assertThat(registry.status(MODEL).pointerVersion()).isEqualTo("v8");

    publish(2);
    publisher.promote(MODEL, "v2", "fix");
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v2");
    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.STORE);
    assertThat(registry.status(MODEL).lastFailure()).isNull();
  }

  @Test
  void aRestartWithAWarmCacheDownloadsNoModelBytes() {
    warmTheCache();
    long requests = memory.requests();

    ModelRegistry registry = build(builder().model(MODEL));

    assertThat(registry.current(MODEL).source()).isEqualTo(ModelSource.STORE);
    assertThat(memory.requests() - requests).as("only the pointer is read").isEqualTo(1);
    assertThat(events.of(RegistryEvent.Loaded.class)).last()
        .extracting(RegistryEvent.Loaded::bytesDownloaded).isEqualTo(0L);
  }

  @Test
  void theCacheKeepsOnlyTheNewestVersions() throws Exception {
    release(1);
    ModelRegistry registry = build(builder().model(MODEL).cacheRetention(2));
    for (int v = 2; v <= 5; v++) {
      release(v);
      registry.refresh();
    }
    try (Stream<Path> folders = Files.list(dir.resolve("cache").resolve(MODEL))) {
      assertThat(folders.map(p -> p.getFileName().toString()).filter(VersionId::isValid))
          .containsExactlyInAnyOrder("v4", "v5");
    }
  }
}
