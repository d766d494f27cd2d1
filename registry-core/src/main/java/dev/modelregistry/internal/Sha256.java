package dev.modelregistry.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of bytes, files and streams, as lower-case hex. Stateless and thread-safe. */
public final class Sha256 {

  private Sha256() {}

  /** A new SHA-256 digest. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The hex SHA-256 of {@code content}. */
  public static String of(byte[] content) {
    return HexFormat.of().formatHex(digest().digest(content));
  }

  /** The hex SHA-256 of a file's content. */
  public static String of(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE).sha256();
    }
  }

  /**
   * Copies {@code in} to {@code out}, hashing as it goes.
   *
   * @param limit the most bytes to accept; more fails the copy (a file larger than its manifest says)
   */
  public static Copied copy(InputStream in, OutputStream out, long limit) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      total += n;
      if (total > limit) {
        throw new IOException("more than the expected " + limit + " bytes");
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
    return new Copied(total, HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * The result of {@link #copy}.
   *
   * @param size bytes copied
   * @param sha256 their hex SHA-256
   */
  public record Copied(long size, String sha256) {}
}
