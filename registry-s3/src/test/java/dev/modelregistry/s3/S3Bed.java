package dev.modelregistry.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.modelregistry.Publication;
import dev.modelregistry.linear.LinearModel;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * S3 for one test: an S3Proxy server in this JVM (transient provider), a {@link FaultProxy} in front of it,
 * a client through the proxy for the code under test, and a direct client for setting up and for writing
 * objects the way scripts do (boto3, the AWS CLI), unseen by the proxy's counts.
 */
final class S3Bed implements AutoCloseable {

  static final String ACCESS_KEY = "AKIAREGISTRYTEST0001";
  static final String SECRET_KEY = "registry-test-secret-Xq9vT2pL7mN4";
  static final String BUCKET = "cricksy-ml-models";
  static final String MODEL = "t20_win_predictor";
  static final List<String> FEATURES = List.of("home_win_pct", "away_win_pct", "run_rate");
  static final float[] ROW = {0.5f, 0.4f, 7.5f};

  final FaultProxy proxy;
  /** Through the proxy: what the store under test uses. */
  final S3Client client;
  /** Straight to the server: for setup, and for writing as a script does. */
  final S3Client direct;

  private S3Bed(FaultProxy proxy, S3Client client, S3Client direct) {
    this.proxy = proxy;
    this.client = client;
    this.direct = direct;
  }

  /** A fresh S3Proxy server for each test, with credentials, so requests are signed and checked. */
  static S3ProxyExtension server() {
    return S3ProxyExtension.builder()
        .withBlobStoreProvider("transient")
        .withCredentials(ACCESS_KEY, SECRET_KEY)
        .build();
  }

  /** A bed with the SDK's default retries (3 attempts) and a generous attempt timeout. */
  static S3Bed start(S3ProxyExtension s3) throws IOException {
    return start(s3, 3, Duration.ofSeconds(30));
  }

  /** A bed whose client through the proxy makes {@code maxAttempts} attempts of at most {@code attemptTimeout}. */
  static S3Bed start(S3ProxyExtension s3, int maxAttempts, Duration attemptTimeout) throws IOException {
    FaultProxy proxy = FaultProxy.start(s3.getUri(), BUCKET);
    S3Client direct = client(s3.getUri(), SECRET_KEY, 3, Duration.ofSeconds(30));
    direct.createBucket(b -> b.bucket(BUCKET));
    return new S3Bed(proxy, client(proxy.uri(), SECRET_KEY, maxAttempts, attemptTimeout), direct);
  }

  /** A client for {@code endpoint} with the test's access key; the caller closes it. */
  static S3Client client(URI endpoint, String secretKey, int maxAttempts, Duration attemptTimeout) {
    return clientBuilder(endpoint, secretKey, maxAttempts, attemptTimeout).build();
  }

  /** A client builder for {@code endpoint}, path-style, with the test's access key. */
  static S3ClientBuilder clientBuilder(URI endpoint, String secretKey, int maxAttempts, Duration attemptTimeout) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secretKey)))
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o
            .apiCallAttemptTimeout(attemptTimeout)
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build()));
  }

  /** A store on the client through the proxy, under the default prefix {@code models}. */
  S3ModelStore store() {
    return S3ModelStore.builder().client(client).bucket(BUCKET).build();
  }

  /** Writes an object straight to the server, unconditionally, as {@code s3.put_object} does. */
  void putAsScript(String objectKey, String content) {
    putAsScript(objectKey, content.getBytes(UTF_8));
  }

  /** Writes an object straight to the server, unconditionally, as {@code s3.put_object} does. */
  void putAsScript(String objectKey, byte[] content) {
    direct.putObject(b -> b.bucket(BUCKET).key(objectKey), RequestBody.fromBytes(content));
  }

  /** Deletes an object straight on the server. */
  void deleteAsScript(String objectKey) {
    direct.deleteObject(b -> b.bucket(BUCKET).key(objectKey));
  }

  /**
   * A version whose only output is {@code value}, with {@code paddingBytes} of random data in an extra
   * file so that downloads have a size worth measuring (and cutting).
   */
  static Publication constant(float value, int paddingBytes) {
    Publication.Builder publication = Publication.builder()
        .file("model.json", LinearModel.constant(value, FEATURES.size()).toJson())
        .features(FEATURES);
    if (paddingBytes > 0) {
      byte[] padding = new byte[paddingBytes];
      new Random((long) value * 31 + paddingBytes).nextBytes(padding);
      publication.file("weights.bin", padding);
    }
    return publication.build();
  }

  /** The {@code model.json} of a linear model whose only output is {@code value}, as a script uploads it. */
  static byte[] linearModelJson(float value) {
    return LinearModel.constant(value, FEATURES.size()).toJson();
  }

  @Override
  public void close() throws IOException {
    client.close();
    direct.close();
    proxy.close();
  }
}
