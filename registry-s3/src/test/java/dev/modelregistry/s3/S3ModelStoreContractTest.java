package dev.modelregistry.s3;

import dev.modelregistry.spi.WritableModelStore;
import dev.modelregistry.testkit.ModelStoreContract;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 store passes the store contract, against an S3 protocol server. Requests go through {@link
 * FaultProxy}, which injects no fault here but makes conditional writes atomic as S3 does. Multipart
 * uploads are exercised with 5 MiB parts.
 */
class S3ModelStoreContractTest extends ModelStoreContract {

  @RegisterExtension final S3ProxyExtension s3 = S3TestBed.server();

  private S3TestBed bed;

  @Override
  protected WritableModelStore createStore() throws Exception {
    bed = S3TestBed.start(s3);
    return S3ModelStore.builder().client(bed.client).bucket(S3TestBed.BUCKET).partSize(5L * 1024 * 1024).build();
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
}
