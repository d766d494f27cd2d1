package dev.modelregistry.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.WritableModelStore;
import dev.modelregistry.testkit.ModelStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The filesystem store passes the store contract, and keeps its own bookkeeping out of listings. */
class FilesystemModelStoreContractTest extends ModelStoreContract {

  private Path root() {
    return tempDir.resolve("store");
  }

  @Override
  protected WritableModelStore createStore() {
    return FilesystemModelStore.of(root());
  }

  @Test
  void aStoreWhoseFolderDoesNotExistYetIsEmptyUntilTheFirstWrite() throws IOException {
    assertThat(Files.exists(root())).isFalse();
    assertThat(store.read("m/latest.json", null).status()).isEqualTo(ObjectRead.Status.MISSING);
    assertThat(store.list("m").isEmpty()).isTrue();
    assertThat(store.create("m/v1/.claim.json", "{}".getBytes(UTF_8))).isTrue();
    assertThat(root().resolve("m/v1/.claim.json")).exists();
  }

  @Test
  void lockFilesAndInterruptedWritesAreNotListed() throws IOException {
    store.replace("m/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8), null);
    Files.writeString(root().resolve("m/.tmp-123-latest.json"), "half a pointer");
    assertThat(root().resolve("m/latest.json.lock")).exists();
    assertThat(store.list("m").objects()).extracting(Listing.Entry::name).containsExactly("latest.json");
  }

  @Test
  void aPointerEditedInPlaceByAnotherToolIsSeenAsChanged() throws IOException {
    store.replace("m/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8), null);
    String tag = store.read("m/latest.json", null).tag();
    Files.writeString(root().resolve("m/latest.json"), "{\"version\": \"v2\"}");
    ObjectRead read = store.read("m/latest.json", tag);
    assertThat(read.status()).isEqualTo(ObjectRead.Status.FOUND);
    assertThat(new String(read.content(), UTF_8)).contains("v2");
  }
}
