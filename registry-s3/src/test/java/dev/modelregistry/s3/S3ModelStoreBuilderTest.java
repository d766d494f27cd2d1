package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.BUCKET;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.spi.ObjectRead;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Building a store: each setting is checked as it is given and may be given once; a store either uses the
 * host's client (and leaves it open) or builds one from settings with the default credentials chain (and
 * closes it).
 */
class S3ModelStoreBuilderTest {

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();

  private S3Bed bed;

  @BeforeEach
  void start() throws Exception {
    bed = S3Bed.start(s3);
    // The default credentials chain reads these first; a host would use a role, a profile or the environment.
    System.setProperty("aws.accessKeyId", S3Bed.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Bed.SECRET_KEY);
  }

  @AfterEach
  void stop() throws Exception {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    bed.close();
  }

  private S3ModelStore.Builder fromSettings() {
    return S3ModelStore.builder()
        .bucket(BUCKET)
        .region("us-east-1")
        .endpointOverride(bed.proxy.uri())
        .pathStyleAccess(true);
  }

  @Test
  void aStoreBuiltFromSettingsReadsAndWritesAndClosesItsClient() throws IOException {
    S3ModelStore store = fromSettings().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5))
        .build();
    assertThat(store.create("m/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8))).isTrue();
    ObjectRead read = store.read("m/latest.json", null);
    assertThat(read.content()).asString(UTF_8).isEqualTo("{\"version\": \"v1\"}");
    assertThat(store.toString()).contains("s3://cricksy-ml-models/models", bed.proxy.uri().toString());

    store.close();

    assertThatThrownBy(() -> store.read("m/latest.json", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the store s3://cricksy-ml-models/models is closed");
    assertThatThrownBy(() -> store.client().listBuckets()).as("the client it built is closed")
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aBuiltClientGivesUpAnAttemptAfterTheRequestTimeoutAndRetriesAsConfigured() {
    S3ModelStore store = fromSettings().requestTimeout(Duration.ofMillis(400)).maxAttempts(2).build();
    bed.proxy.injectAlways(r -> true, new FaultProxy.Fault.Stall(Duration.ofSeconds(5)));
    try {
      assertThatThrownBy(() -> store.read("m/latest.json", null))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("reading s3://cricksy-ml-models/models/m/latest.json failed")
          .hasMessageContaining("did not answer in time");
      assertThat(bed.proxy.exchanges()).hasSize(2);
    } finally {
      store.close();
    }
  }

  @Test
  void settingsForABuiltClientAreRefusedWithAGivenClient() {
    assertThatThrownBy(() -> S3ModelStore.builder().client(bed.client).bucket(BUCKET).region("eu-west-1")
        .maxAttempts(5).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("region, maxAttempts configure the client the store builds, but a client was given with"
            + " client(...); configure that client instead");
  }

  @Test
  void aBucketIsRequired() {
    assertThatThrownBy(() -> S3ModelStore.builder().client(bed.client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bucket(...) is required");
  }

  @Test
  void aSettingGivenTwiceIsRefusedShowingTheFirstValue() {
    assertThatThrownBy(() -> S3ModelStore.builder().bucket("a-bucket").bucket("b-bucket"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bucket was already set to a-bucket");
    assertThatThrownBy(() -> S3ModelStore.builder().prefix("models").prefix("ml"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("prefix was already set to models");
    assertThatThrownBy(() -> S3ModelStore.builder().pathStyleAccess(true).pathStyleAccess(false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> S3ModelStore.builder().client(bed.client).client(bed.client))
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "my/bucket", "bucket name", "../up"})
  void aBadBucketNameIsRefusedWithTheName(String bucket) {
    assertThatThrownBy(() -> S3ModelStore.builder().bucket(bucket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bucket '" + bucket + "' is not a bucket name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/models", "models/", "ml//models", "ml/../models", "./models", "a\\b", "new\nline"})
  void aBadPrefixIsRefusedWithThePrefix(String prefix) {
    assertThatThrownBy(() -> S3ModelStore.builder().prefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("prefix ")
        .hasMessageContaining("is not a safe key prefix");
  }

  @Test
  void badValuesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> S3ModelStore.builder().region("EU West 1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'EU West 1'");
    assertThatThrownBy(() -> S3ModelStore.builder().endpointOverride(URI.create("ftp://minio:21")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://minio:21");
    assertThatThrownBy(() -> S3ModelStore.builder().partSize(1024))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 1024");
    assertThatThrownBy(() -> S3ModelStore.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 0");
    assertThatThrownBy(() -> S3ModelStore.builder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT0S");
  }

  @Test
  void credentialsInAnEndpointAreRefusedWithoutRepeatingThem() {
    assertThatThrownBy(() -> S3ModelStore.builder()
        .endpointOverride(URI.create("http://minioadmin:" + S3Bed.SECRET_KEY + "@minio.internal:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://minio.internal:9000")
        .hasMessageContaining("never put credentials in the endpoint")
        .message().doesNotContain(S3Bed.SECRET_KEY).doesNotContain("minioadmin");
  }

  @Test
  void unsafeKeysAreRefusedBeforeAnyRequest() {
    S3ModelStore store = bed.store();
    for (String key : new String[] {"m/./latest.json", "m//latest.json", "m/latest.json/", ""}) {
      assertThatThrownBy(() -> store.read(key, null)).as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a safe store key");
    }
    assertThat(bed.proxy.exchanges()).isEmpty();
  }
}
