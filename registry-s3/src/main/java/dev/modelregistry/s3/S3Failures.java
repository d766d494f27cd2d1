package dev.modelregistry.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the SDK throws into an {@link IOException} whose message says what failed, on which object,
 * and what to do. Messages are built from the status code, the S3 error code, the request id and the
 * SDK's own message, none of which carry credentials or signatures. Stateless and thread-safe.
 */
final class S3Failures {

  private S3Failures() {}

  /** The HTTP status of a service answer, or 0 if the SDK failed before S3 answered. */
  static int status(SdkException e) {
    return e instanceof AwsServiceException service ? service.statusCode() : 0;
  }

  /** The S3 error code of a service answer ({@code NoSuchKey}, {@code SlowDown}), or an empty string. */
  static String errorCode(SdkException e) {
    if (e instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      if (details != null && details.errorCode() != null) {
        return details.errorCode();
      }
    }
    return "";
  }

  /** Whether the SDK sent the request more than once before this answer (its own retries). */
  static boolean retried(SdkException e) {
    Integer attempts = e.numAttempts();
    return attempts != null && attempts > 1;
  }

  /**
   * An {@link IOException} for a failed request.
   *
   * @param action what was being done, for example {@code "reading"}
   * @param where the object or folder, for example {@code s3://bucket/models/m/latest.json}
   * @param permission the IAM action the request needs, for example {@code s3:GetObject}
   */
  static IOException translate(String action, String where, String permission, SdkException e) {
    if (e.getCause() instanceof InterruptedException || e.getCause() instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException(action + " " + where + " was interrupted");
      interrupted.initCause(e);
      return interrupted;
    }
    return new IOException(action + " " + where + " failed: " + describe(e, permission), e);
  }

  /** What went wrong and what to do, without the object. */
  static String describe(SdkException e, String permission) {
    if (e instanceof AwsServiceException service) {
      return describeAnswer(service, permission);
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return "S3 did not answer in time (" + e.getMessage() + "); check the network path to the endpoint, or"
          + " raise the timeouts if large answers are expected";
    }
    if (e instanceof SdkClientException) {
      return "S3 could not be reached (" + e.getMessage() + "); check the endpoint, the network and the proxy"
          + " settings";
    }
    return String.valueOf(e.getMessage());
  }

  private static String describeAnswer(AwsServiceException e, String permission) {
    int status = e.statusCode();
    String code = errorCode(e);
    String answer = "S3 answered " + status + (code.isEmpty() ? "" : " " + code) + requestId(e.requestId());
    if (status == 403) {
      return answer + ": access denied; check that the credentials this process uses allow " + permission
          + " on this key (and s3:ListBucket on the bucket, without which S3 answers 403 for missing keys too)";
    }
    if (code.equals("NoSuchBucket")) {
      return answer + ": the bucket does not exist; check the bucket name, the region and the endpoint";
    }
    if (status == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
      return answer + ": the bucket is in another region than the client's; set the client's region to the"
          + " bucket's";
    }
    if (code.equals("SlowDown") || status == 503) {
      return answer + ": S3 asked to slow down (too many requests on this prefix) and the SDK's retries ran"
          + " out; poll less often, or spread the load over prefixes";
    }
    if (status >= 500) {
      return answer + ": S3 failed and the SDK's retries ran out; try again later";
    }
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return answer + (message == null || message.isBlank() ? "" : ": " + message);
  }

  private static String requestId(@Nullable String requestId) {
    return requestId == null || requestId.isBlank() ? "" : ", request id " + requestId;
  }
}
