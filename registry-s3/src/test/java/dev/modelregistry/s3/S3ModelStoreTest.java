package dev.modelregistry.s3;

import static dev.modelregistry.s3.S3Bed.BUCKET;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ObjectRead;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** What is particular to S3: prefixes, pagination, multipart uploads, conditional-write answers, errors. */
class S3ModelStoreTest extends S3BedCase {

  @Test
  void keysLiveUnderThePrefixAndPointersNameTheirFolderWithIt() throws IOException {
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket(BUCKET).prefix("ml/models").build();
    assertThat(store.keyPrefix()).contains("ml/models");
    assertThat(store.description()).isEqualTo("s3://cricksy-ml-models/ml/models");

    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("m", S3Bed.constant(1, 0));
    assertThat(publisher.promote("m", "v1", null).s3Prefix()).isEqualTo("ml/models/m/v1");

    List<String> keys = bed.direct.listObjectsV2(b -> b.bucket(BUCKET)).contents().stream()
        .map(o -> o.key()).toList();
    assertThat(keys).contains("ml/models/_changes.json"); // the change feed, at the root
    assertThat(keys).isNotEmpty().filteredOn(key -> !key.equals("ml/models/_changes.json"))
        .allSatisfy(key -> assertThat(key).startsWith("ml/models/m/"));
    assertThat(keys).contains("ml/models/m/latest.json", "ml/models/m/v1/manifest.json",
        "ml/models/m/history/000000000001.json");
  }

  @Test
  void aStoreAtTheBucketRootServesAndWritesNoS3Prefix() throws IOException {
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket(BUCKET).prefix("").build();
    assertThat(store.keyPrefix()).isEmpty();
    assertThat(store.description()).isEqualTo("s3://cricksy-ml-models");
    ModelPublisher publisher = ModelPublisher.on(store);
    publisher.publish("m", S3Bed.constant(4, 0));
    assertThat(publisher.promote("m", "v1", null).s3Prefix()).isNull();
    assertThat(store.list("").folders()).containsExactly("m");
    try (ModelRegistry registry = ModelRegistry.builder().store(store).cacheDirectory(cache).polling(false)
        .model("m").build()) {
      assertThat(registry.current("m").predict(S3Bed.ROW)).containsExactly(4f);
    }
  }

  @Test
  void listingsFollowEveryPage() throws IOException {
    for (int v = 1; v <= 7; v++) {
      bed.putAsScript("models/m/v" + v + "/model.json", "{}");
    }
    bed.putAsScript("models/m/latest.json", "{}");
    bed.putAsScript("models/m/notes.txt", "x");
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket(BUCKET).listPageSize(2).build();

    Listing listing = store.list("m");

    assertThat(listing.folders()).containsExactly("v1", "v2", "v3", "v4", "v5", "v6", "v7");
    assertThat(listing.objects()).extracting(Listing.Entry::name).containsExactly("latest.json", "notes.txt");
    assertThat(bed.proxy.exchanges(FaultProxy.Request::isList)).hasSize(5);
  }

  @Test
  void listedNamesAreDecodedExactly() throws IOException {
    for (String name : List.of("a b+c.json", "ü%20.bin", "plain.json")) {
      bed.putAsScript("models/m/v1/" + name, "x");
    }
    assertThat(bed.store().list("m/v1").objects()).extracting(Listing.Entry::name)
        .containsExactlyInAnyOrder("a b+c.json", "ü%20.bin", "plain.json");
  }

  @Test
  void aFolderMarkerObjectIsNotListedAsAFile() throws IOException {
    bed.putAsScript("models/m/v1/", "");
    bed.putAsScript("models/m/v1/model.json", "{}");
    assertThat(bed.store().list("m/v1").objects()).extracting(Listing.Entry::name).containsExactly("model.json");
  }

  @Test
  void largeFilesGoUpInPartsOfTheConfiguredSize() throws IOException {
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket(BUCKET).partSize(5L << 20).build();
    byte[] content = random(12 << 20);

    store.write("m/v1/model.onnx", new ByteArrayInputStream(content), content.length);

    List<FaultProxy.Exchange> parts =
        bed.proxy.exchanges(r -> r.method().equals("PUT") && r.query().contains("partNumber"));
    assertThat(parts).allSatisfy(e -> assertThat(e.request().header("x-amz-sdk-checksum-algorithm"))
        .isEqualTo("CRC32"));
    assertThat(parts).extracting(FaultProxy.Exchange::requestBodyBytes)
        .allSatisfy(bytes -> assertThat(bytes).isGreaterThanOrEqualTo(2L << 20));
    assertThat(parts).hasSize(3);
    assertThat(bed.proxy.exchanges(r -> r.method().equals("POST"))).hasSize(2); // create, complete
    try (InputStream in = store.open("m/v1/model.onnx")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void partsCarryNoChecksumWhenTheClientComputesChecksumsOnlyWhenRequired() throws IOException {
    try (S3Client plain = S3Bed.clientBuilder(bed.proxy.uri(), S3Bed.SECRET_KEY, 3, Duration.ofSeconds(30))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build()) {
      S3ModelStore store = S3ModelStore.builder().client(plain).bucket(BUCKET).partSize(5L << 20).build();
      byte[] content = random(7 << 20);

      store.write("m/v1/model.onnx", new ByteArrayInputStream(content), content.length);

      assertThat(bed.proxy.exchanges(r -> r.query().contains("uploads") || r.query().contains("partNumber")))
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.request().headers()).noneSatisfy(header ->
              assertThat(header[0].toLowerCase(Locale.ROOT)).containsAnyOf("checksum", "x-amz-trailer")));
      try (InputStream in = store.open("m/v1/model.onnx")) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
  }

  @Test
  void aFailedMultipartUploadIsAbortedAndLeavesNoObject() {
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket(BUCKET).partSize(5L << 20).build();
    bed.proxy.injectAlways(r -> r.query().contains("partNumber=2"), new FaultProxy.Fault.Respond(500, "InternalError"));
    byte[] content = random(11 << 20);

    assertThatThrownBy(() -> store.write("m/v1/model.onnx", new ByteArrayInputStream(content), content.length))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://cricksy-ml-models/models/m/v1/model.onnx")
        .hasMessageContaining("500 InternalError");

    assertThat(bed.proxy.exchanges(r -> r.method().equals("DELETE") && r.query().contains("uploadId"))).hasSize(1);
    assertThat(bed.direct.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
    assertThat(bed.direct.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
  }

  @Test
  void contentThatDoesNotMatchItsLengthIsNotWritten() {
    S3ModelStore store = bed.store();
    assertThatThrownBy(() -> store.write("m/v1/a.bin", new ByteArrayInputStream(new byte[10]), 11))
        .isInstanceOf(IOException.class).hasMessageContaining("ended early");
    assertThatThrownBy(() -> store.write("m/v1/a.bin", new ByteArrayInputStream(new byte[10]), 9))
        .isInstanceOf(IOException.class).hasMessageContaining("more than the 9 bytes");
    assertThatThrownBy(() -> bed.direct.headObject(b -> b.bucket(BUCKET).key("models/m/v1/a.bin")))
        .isInstanceOf(NoSuchKeyException.class);
  }

  @Test
  void aConflictingWriteInProgressIsRetried() throws IOException {
    bed.proxy.inject(FaultProxy.Request::isConditionalWrite,
        new FaultProxy.Fault.Respond(409, "ConditionalRequestConflict"), 2);
    assertThat(bed.store().create("m/v1/.claim.json", "{}".getBytes(UTF_8))).isTrue();
    assertThat(bed.proxy.exchanges(FaultProxy.Request::isConditionalWrite)).extracting(FaultProxy.Exchange::status)
        .containsExactly(409, 409, 200);
  }

  @Test
  void aConditionalWriteWhoseAnswerWasLostIsRecognisedAsItsOwn() throws IOException {
    S3ModelStore store = bed.store();
    bed.proxy.inject(FaultProxy.Request::isConditionalWrite, new FaultProxy.Fault.LoseAnswer(), 1);
    assertThat(store.create("m/v1/.claim.json", "{\"claimed_by\": \"me\"}".getBytes(UTF_8)))
        .as("the first attempt created it; the SDK's retry was refused with 412").isTrue();

    String tag = store.read("m/v1/.claim.json", null).tag();
    bed.proxy.inject(FaultProxy.Request::isConditionalWrite, new FaultProxy.Fault.LoseAnswer(), 1);
    assertThat(store.replace("m/v1/.claim.json", "{\"claimed_by\": \"me again\"}".getBytes(UTF_8), tag)).isTrue();

    assertThat(bed.proxy.exchanges(FaultProxy.Request::isConditionalWrite)).extracting(FaultProxy.Exchange::status)
        .containsExactly(200, 412, 200, 412);
  }

  @Test
  void aRetriedWriteThatAnotherWriterBeatWithTheSameBytesIsReportedLost() throws IOException {
    byte[] content = "{\"version\": \"v2\"}".getBytes(UTF_8);
    // The first attempt fails; before the SDK's retry, another writer creates the object with the same bytes.
    bed.proxy.inject(r -> r.isConditionalWrite() && otherWriterCreates("models/m/latest.json", content),
        new FaultProxy.Fault.Respond(503, "SlowDown"), 1);

    assertThat(bed.store().create("m/latest.json", content)).isFalse();
  }

  private boolean otherWriterCreates(String key, byte[] content) {
    bed.putAsScript(key, content);
    return true;
  }

  @Test
  void aDownloadIsResumedOnlyFromTheSameObject() throws IOException {
    S3ModelStore store = bed.store();
    byte[] first = random(1 << 20);
    store.write("m/v1/model.onnx", new ByteArrayInputStream(first), first.length);
    bed.proxy.inject(r -> r.isGet("model.onnx"), new FaultProxy.Fault.CutBody(300_000), 1);
    bed.proxy.inject(r -> r.header("Range") != null,
        new FaultProxy.Fault.ActFirst(() -> bed.putAsScript("models/m/v1/model.onnx", random(1000))), 1);

    try (InputStream in = store.open("m/v1/model.onnx")) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("s3://cricksy-ml-models/models/m/v1/model.onnx changed while it was being downloaded");
    }
    assertThat(bed.proxy.exchanges(r -> r.isGet("model.onnx"))).extracting(FaultProxy.Exchange::status)
        .containsExactly(0, 412);
  }

  @Test
  void aReadOfAnUnchangedObjectIsOneRequestWithoutContent() throws IOException {
    S3ModelStore store = bed.store();
    store.create("m/latest.json", "{\"version\": \"v1\"}".getBytes(UTF_8));
    String tag = store.read("m/latest.json", null).tag();
    bed.proxy.resetCounts();

    assertThat(store.read("m/latest.json", tag).status()).isEqualTo(ObjectRead.Status.NOT_MODIFIED);

    assertThat(bed.proxy.exchanges()).singleElement().satisfies(exchange -> {
      assertThat(exchange.status()).isEqualTo(304);
      assertThat(exchange.request().header("If-None-Match")).isEqualTo(tag);
      assertThat(exchange.responseBodyBytes()).isZero();
    });
  }

  @Test
  void aMissingBucketIsAnErrorNotAMissingObject() {
    S3ModelStore store = S3ModelStore.builder().client(bed.client).bucket("no-such-bucket").build();
    assertThatThrownBy(() -> store.read("m/latest.json", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://no-such-bucket/models/m/latest.json")
        .hasMessageContaining("NoSuchBucket")
        .hasMessageContaining("check the bucket name");
  }

  @Test
  void accessDeniedSaysWhichPermissionIsNeeded() {
    bed.proxy.injectAlways(r -> true, new FaultProxy.Fault.Respond(403, "AccessDenied"));
    S3ModelStore store = bed.store();
    assertThatThrownBy(() -> store.read("m/latest.json", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("reading s3://cricksy-ml-models/models/m/latest.json failed")
        .hasMessageContaining("403 AccessDenied")
        .hasMessageContaining("s3:GetObject");
    assertThatThrownBy(() -> store.create("m/v1/.claim.json", new byte[0]))
        .isInstanceOf(IOException.class).hasMessageContaining("s3:PutObject");
    assertThatThrownBy(() -> store.list("m"))
        .isInstanceOf(IOException.class).hasMessageContaining("s3:ListBucket");
  }

  @Test
  void aGivenClientIsNotClosedWithTheStore() throws IOException {
    S3ModelStore store = bed.store();
    store.close();
    assertThat(store.client()).isSameAs(bed.client);
    assertThat(bed.client.listBuckets().buckets()).as("still open").isNotEmpty();
    assertThat(store.toString()).isEqualTo("S3ModelStore[s3://cricksy-ml-models/models at " + bed.proxy.uri() + "]");
    assertThat(store.keyPrefix()).isEqualTo(Optional.of("models"));
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
