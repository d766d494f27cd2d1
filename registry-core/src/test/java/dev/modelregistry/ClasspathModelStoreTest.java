package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathModelStoreTest {

  @TempDir Path dir;

  @Test
  void readsListsAndOpensResourcesFromAFolder() throws Exception {
    ClasspathModelStore store = ClasspathModelStore.of("/bundled-models/");
    assertThat(store.description()).isEqualTo("classpath:bundled-models");

    ObjectRead pointer = store.read("t20_win_predictor/latest.json", null);
    assertThat(new String(pointer.content(), UTF_8)).contains("\"v3\"");
    assertThat(store.read("t20_win_predictor/latest.json", pointer.tag()).status())
        .isEqualTo(ObjectRead.Status.NOT_MODIFIED);
    assertThat(store.read("nothing/latest.json", null).status()).isEqualTo(ObjectRead.Status.MISSING);

    Listing model = store.list("t20_win_predictor");
    assertThat(model.folders()).containsExactly("v3");
    assertThat(model.objects()).extracting(Listing.Entry::name).containsExactly("latest.json");
    assertThat(store.list("t20_win_predictor/v3").objects()).extracting(Listing.Entry::name)
        .containsExactly("manifest.json", "model.json", "schema.json");
    assertThat(store.list("nothing").isEmpty()).isTrue();

    try (InputStream in = store.open("t20_win_predictor/v3/model.json")) {
      assertThat(new String(in.readAllBytes(), UTF_8)).contains("0.42");
    }
    assertThatThrownBy(() -> store.open("t20_win_predictor/v9/model.json")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void readsAndListsResourcesInsideAJar() throws Exception {
    Path jar = dir.resolve("models.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String folder : new String[] {"models/", "models/m/", "models/m/v1/", "models/m/v2/"}) {
        out.putNextEntry(new JarEntry(folder)); // as jar tools write them
        out.closeEntry();
      }
      put(out, "models/m/latest.json", "{\"version\": \"v2\"}");
      put(out, "models/m/v1/model.json", "{}");
      put(out, "models/m/v2/model.json", "{\"format\": \"linear\", \"weights\": [1], \"bias\": 0}");
      put(out, "models/m/v2/schema.json", "[\"x\"]");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ClasspathModelStore store = ClasspathModelStore.of("models", loader);
      assertThat(store.list("m").folders()).containsExactly("v1", "v2");
      assertThat(store.list("m/v2").objects()).extracting(Listing.Entry::name)
          .containsExactly("model.json", "schema.json");
      assertThat(new String(store.read("m/latest.json", null).content(), UTF_8)).contains("v2");

      ModelRegistry registry = ModelRegistry.builder()
          .fallback(store)
          .cacheDirectory(dir.resolve("cache"))
          .model("m")
          .build();
      try (registry) {
        assertThat(registry.current("m").predict(new float[] {5})).containsExactly(5f);
        assertThat(registry.current("m").source()).isEqualTo(ModelSource.BUNDLED);
      }
    }
  }

  @Test
  void unsafeKeysAndRootsAreRefused() {
    ClasspathModelStore store = ClasspathModelStore.of("bundled-models");
    assertThatThrownBy(() -> store.read("../secret", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClasspathModelStore.of("a/../b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFolderThatIsNotOnTheClasspathIsRefusedWhereItIsNamed() {
    assertThatThrownBy(() -> ClasspathModelStore.of("bundled-modelz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("classpath folder 'bundled-modelz' does not exist: no resource folder of that name is on the"
            + " classpath; check the name (bundled models usually sit in src/main/resources/bundled-modelz/<model>/<version>/)");
  }

  private static void put(JarOutputStream out, String name, String content) throws Exception {
    out.putNextEntry(new JarEntry(name));
    OutputStream stream = out;
    stream.write(content.getBytes(UTF_8));
    out.closeEntry();
  }
}
