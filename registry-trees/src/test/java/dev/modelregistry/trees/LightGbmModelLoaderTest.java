package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.spi.Predictor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lightgbm} format through a registry: found by its content, served, and bad files refused. */
class LightGbmModelLoaderTest {

  private static final String MODEL = "churn";

  @TempDir Path dir;
  private final InMemoryModelStore store = new InMemoryModelStore();
  private final ModelPublisher publisher = ModelPublisher.on(store);
  private ModelRegistry registry;

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private void release(byte[] modelTxt) {
    String version = publisher.publish(MODEL, Publication.builder().file("model.txt", modelTxt).build()).version().value();
    publisher.promote(MODEL, version, null);
  }

  private Model serving() {
    registry = ModelRegistry.builder().store(store).cacheDirectory(dir.resolve("cache")).polling(false)
        .model(MODEL).build();
    return registry.current(MODEL);
  }

  @Test
  void aModelTxtIsPublishedAsLightGbmAndServedWithLightGbmOutputs() {
    release(Reference.resource("lightgbm-binary.txt"));
    Model model = serving();
    assertThat(model.manifest().orElseThrow().format()).isEqualTo("lightgbm");
    Reference reference = Reference.load("lightgbm-binary.expected");
    float[][] rows = Rows.generate(reference.sample().length, 12, 11);
    assertThat(model.predict(rows)).isDeepEqualTo(reference.sample());
    try (Lease lease = model.lease()) {
      Predictor predictor = lease.unwrap(Predictor.class);
      assertThat(predictor.toString()).startsWith("LightGBM v4 binary: 40 trees on 12 features");
      assertThat(predictor.memoryBytes().orElseThrow()).isBetween(10_000L, 1_000_000L);
    }
  }

  @Test
  void aTruncatedModelIsRefusedNamingWhatIsMissingWhileTheOldOneServes() {
    byte[] good = Reference.resource("lightgbm-binary.txt");
    release(good);
    Model model = serving();
    float[] before = model.predict(new float[12]);

    release(Arrays.copyOf(good, good.length / 2));
    registry.refresh();
    assertThat(registry.current(MODEL).version()).isEqualTo("v1");
    assertThat(registry.current(MODEL).predict(new float[12])).isEqualTo(before);
    assertThat(registry.status(MODEL).lastFailure().message()).contains("model.txt: Tree=");
  }

  @Test
  void aCategoricalSplitIsRefusedByName() {
    String text = new String(Reference.resource("lightgbm-binary.txt"), StandardCharsets.UTF_8)
        .replaceFirst("num_cat=0", "num_cat=1");
    release(text.getBytes(StandardCharsets.UTF_8));
    registry = ModelRegistry.builder().store(store).cacheDirectory(dir.resolve("cache")).polling(false)
        .failFast(false).model(MODEL).build();
    assertThat(registry.status(MODEL).lastFailure().message())
        .contains("model.txt: Tree=0 has 1 categorical splits (num_cat); categorical splits are not supported");
  }
}
