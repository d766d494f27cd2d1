package dev.modelregistry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every command on an S3 store: an S3Proxy server in this JVM, reached with {@code --endpoint} and {@code
 * --path-style}; the tool takes its credentials from the SDK's default chain (here the {@code
 * aws.accessKeyId} system properties, as a CI job would set {@code AWS_ACCESS_KEY_ID}).
 */
class S3CommandsTest extends CommandsContract {

  static final String ACCESS_KEY = "AKIACLITEST000000001";
  static final String SECRET_KEY = "cli-test-secret-7hQ2xW9kLp";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  /** One server for the class (starting one takes seconds), a fresh bucket for each test. */
  @RegisterExtension
  static final S3ProxyExtension s3 = S3ProxyExtension.builder()
      .withBlobStoreProvider("transient")
      .withCredentials(ACCESS_KEY, SECRET_KEY)
      .build();

  S3Client direct;
  String bucket;

  @BeforeAll
  static void credentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  @AfterAll
  static void forgetCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @BeforeEach
  void createBucket() {
    direct = S3Client.builder()
        .endpointOverride(s3.getUri())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .httpClientBuilder(Apache5HttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
    bucket = "cricksy-ml-models-" + BUCKETS.incrementAndGet();
    direct.createBucket(b -> b.bucket(bucket));
  }

  @AfterEach
  void closeClient() {
    direct.close();
  }

  @Override
  List<String> storeArgs() {
    return List.of("--store", "s3://" + bucket + "/models", "--endpoint", s3.getUri().toString(), "--path-style",
        "--region", "us-east-1");
  }

  @Override
  void putObject(String key, byte[] content) {
    direct.putObject(b -> b.bucket(bucket).key("models/" + key), RequestBody.fromBytes(content));
  }

  @Test
  void theVersionLandsUnderThePrefix() throws Exception {
    twoVersions();

    assertThat(direct.listObjectsV2(b -> b.bucket(bucket).prefix("models/" + MODEL + "/v2/")).contents())
        .extracting(o -> o.key())
        .contains("models/" + MODEL + "/v2/manifest.json", "models/" + MODEL + "/v2/model.json");
  }

  @Test
  void aNamedProfileGivesTheCredentials(@TempDir Path aws) throws Exception {
    Path credentials = Files.writeString(aws.resolve("credentials"),
        "[ci]\naws_access_key_id = " + ACCESS_KEY + "\naws_secret_access_key = " + SECRET_KEY + "\n");
    Path config = Files.writeString(aws.resolve("config"), "[profile ci]\nregion = us-east-1\n");
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    System.setProperty("aws.configFile", config.toString());
    try {
      Cli.Run run = cli.run("models", "--store", "s3://" + bucket + "/models", "--endpoint", s3.getUri().toString(),
          "--path-style", "--profile", "ci");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).startsWith("no models in s3://" + bucket + "/models");
    } finally {
      System.clearProperty("aws.sharedCredentialsFile");
      System.clearProperty("aws.configFile");
      credentials();
    }
  }

  @Test
  void aMissingBucketIsAStoreErrorNamingIt() {
    Cli.Run run = cli.run("models", "--store", "s3://no-such-bucket/models", "--endpoint", s3.getUri().toString(),
        "--path-style");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.STORE_ERROR);
    assertThat(run.err()).startsWith("error: ").contains("no-such-bucket").doesNotContain(SECRET_KEY);
  }

  @Test
  void wrongCredentialsAreAStoreErrorWithoutTheSecret() {
    System.setProperty("aws.secretAccessKey", "wrong-secret-value-123");
    try {
      Cli.Run run = run("models");
      assertThat(run.exitCode()).isEqualTo(ExitCodes.STORE_ERROR);
      assertThat(run.err()).contains("403").doesNotContain("wrong-secret-value-123");
    } finally {
      System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }
  }
}
