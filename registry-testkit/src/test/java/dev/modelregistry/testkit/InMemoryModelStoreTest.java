package dev.modelregistry.testkit;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.spi.WritableModelStore;

/** The in-memory store passes the store contract. */
class InMemoryModelStoreTest extends ModelStoreContract {

  @Override
  protected WritableModelStore createStore() {
    return new InMemoryModelStore();
  }
}
