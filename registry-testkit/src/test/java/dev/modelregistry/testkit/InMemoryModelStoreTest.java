package dev.modelregistry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The in-memory store passes the store contract, and counts what it serves. */
class InMemoryModelStoreTest extends ModelStoreContract {

  @Override
  protected WritableModelStore createStore() {
    return new InMemoryModelStore();
  }

  @Test
  void countsRequestsAndTheBytesItHandsOut() throws IOException {
    InMemoryModelStore memory = (InMemoryModelStore) store;
    memory.put("m/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8));
    String tag = memory.read("m/latest.json", null).tag();
    memory.read("m/latest.json", tag);
    memory.list("m");
    assertThat(memory.requests()).isEqualTo(3);
    assertThat(memory.bytesServed()).isEqualTo(17);
    assertThat(memory.keys()).containsExactly("m/latest.json");
  }
}
