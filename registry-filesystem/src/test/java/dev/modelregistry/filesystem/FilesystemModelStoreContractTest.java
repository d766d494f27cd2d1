package dev.modelregistry.filesystem;

import dev.modelregistry.spi.WritableModelStore;
import dev.modelregistry.testkit.ModelStoreContract;

/** The filesystem store passes the store contract. */
class FilesystemModelStoreContractTest extends ModelStoreContract {

  @Override
  protected WritableModelStore createStore() {
    return FilesystemModelStore.of(tempDir.resolve("store"));
  }
}
