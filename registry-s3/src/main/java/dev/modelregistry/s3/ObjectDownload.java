package dev.modelregistry.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The content of one object as a stream that survives a connection dropped mid-transfer: it reopens the
 * object from the byte it had reached with a range request pinned to the first answer's ETag ({@code
 * If-Match}), so the bytes always come from one version of the object. After {@link #MAX_RESUMES} breaks,
 * or if the object changed, it fails with an {@link IOException}. Closing it before the end aborts the
 * connection instead of draining the rest. Not thread-safe, like any stream.
 */
final class ObjectDownload extends InputStream {

  /** How many times a download is resumed before it fails. */
  static final int MAX_RESUMES = 3;

  private static final Logger log = LoggerFactory.getLogger(ObjectDownload.class);

  private final S3Client client;
  private final String bucket;
  private final String key;
  private final String where;
  private final @Nullable String eTag;
  private final long length;
  private ResponseInputStream<GetObjectResponse> in;
  private long position;
  private int resumes;
  private boolean ended;

  ObjectDownload(
      S3Client client, String bucket, String key, String where, ResponseInputStream<GetObjectResponse> first) {
    this.client = client;
    this.bucket = bucket;
    this.key = key;
    this.where = where;
    this.in = first;
    GetObjectResponse response = first.response();
    this.eTag = response.eTag();
    this.length = response.contentLength() == null ? -1 : response.contentLength();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (count == 0) {
      return 0;
    }
    while (true) {
      IOException broke;
      try {
        int n = in.read(buffer, offset, count);
        if (n > 0) {
          position += n;
          return n;
        }
        if (n < 0 && (length < 0 || position >= length)) {
          ended = true;
          return -1;
        }
        broke = new EOFException("the connection ended at byte " + position + " of " + length);
      } catch (IOException e) {
        broke = e;
      } catch (SdkException e) {
        broke = S3Failures.translate("downloading", where, "s3:GetObject", e);
      }
      resume(broke);
    }
  }

  /** Reopens the object at the current position, or fails with {@code broke} if it may not. */
  private void resume(IOException broke) throws IOException {
    in.abort();
    if (broke instanceof InterruptedIOException) {
      throw broke;
    }
    if (resumes >= MAX_RESUMES || eTag == null || length < 0 || position >= length) {
      throw new IOException("downloading " + where + " failed at byte " + position + " of " + length
          + (resumes > 0 ? " after " + resumes + " resumed attempts" : "") + ": " + broke.getMessage(), broke);
    }
    resumes++;
    log.debug("{}: the download broke off at byte {} of {} ({}); resuming ({} of {})", where, position, length,
        broke.getMessage(), resumes, MAX_RESUMES);
    pause(resumes);
    GetObjectRequest request = GetObjectRequest.builder()
        .bucket(bucket)
        .key(key)
        .range("bytes=" + position + "-")
        .ifMatch(eTag)
        .build();
    try {
      in = client.getObject(request);
    } catch (SdkException e) {
      if (S3Failures.status(e) == 412) {
        throw new IOException(where + " changed while it was being downloaded (its ETag is no longer " + eTag
            + "); download it again", e);
      }
      throw S3Failures.translate("resuming the download of", where, "s3:GetObject", e);
    }
  }

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(100L << Math.min(attempt, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while resuming a download");
    }
  }

  @Override
  public void close() throws IOException {
    if (!ended) {
      in.abort();
    }
    in.close();
  }
}
