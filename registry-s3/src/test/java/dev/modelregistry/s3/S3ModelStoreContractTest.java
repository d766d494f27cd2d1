package dev.modelregistry.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.WritableModelStore;
import dev.modelregistry.testkit.ModelStoreContract;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 store passes the store contract, against an S3 protocol server. Requests go through {@link
 * FaultProxy}, which injects no fault here but makes conditional writes atomic as S3 does. Multipart
 * uploads are exercised with 5 MiB parts.
 */
class S3ModelStoreContractTest extends ModelStoreContract {

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();

  private S3Bed bed;

  @Override
  protected WritableModelStore createStore() throws Exception {
    bed = S3Bed.start(s3);
    return S3ModelStore.builder().client(bed.client).bucket(S3Bed.BUCKET).partSize(5L * 1024 * 1024).build();
  }

  /** Two parts of 5 MiB and a short one. */
  @Override
  protected int largeObjectSize() {
    return 11 * 1024 * 1024 + 17;
  }

  @AfterEach
  void closeBed() throws Exception {
    bed.close();
  }

  @Test
  void everyObjectLivesUnderThePrefix() throws Exception {
    store.create("m/v1/.claim.json", "{}".getBytes(StandardCharsets.UTF_8));
    List<String> keys = bed.direct.listObjectsV2(b -> b.bucket(S3Bed.BUCKET)).contents().stream()
        .map(S3Object::key).toList();
    assertThat(keys).containsExactly("models/m/v1/.claim.json");
    assertThat(store.keyPrefix()).contains("models");
    assertThat(store.description()).isEqualTo("s3://" + S3Bed.BUCKET + "/models");
  }
}
