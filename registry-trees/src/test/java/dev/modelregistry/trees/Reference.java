package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reference outputs committed beside the scripts that made them ({@code src/test/resources/reference/}): the
 * SHA-256 of all outputs as little-endian float32, row by row, and the first rows' outputs in hex.
 */
record Reference(int rows, int outputs, String sha256, float[][] sample) {

  static Reference load(String name) {
    List<String> lines = new String(resource(name), StandardCharsets.US_ASCII).lines().toList();
    int rows = Integer.parseInt(lines.get(0).substring("rows=".length()));
    int outputs = Integer.parseInt(lines.get(1).substring("outputs=".length()));
    String sha = lines.get(2).substring("sha256=".length());
    float[][] sample = new float[lines.size() - 3][];
    for (int i = 0; i < sample.length; i++) {
      String[] parts = lines.get(i + 3).split(" ");
      sample[i] = new float[parts.length];
      for (int j = 0; j < parts.length; j++) {
        sample[i][j] = (float) Double.parseDouble(parts[j]);
      }
    }
    return new Reference(rows, outputs, sha, sample);
  }

  /**
   * Predicts the reference rows ({@link Rows}, seed 11) with {@code ours}, as one batch and row by row, and
   * checks both against this reference: the sample value by value, all rows by their SHA-256.
   */
  void assertMatches(String what, Predictor ours) {
    float[][] rows = Rows.generate(this.rows, 12, 11);
    float[][] batch = ours.predict(rows);
    float[][] single = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      single[i] = ours.predict(rows[i]);
    }
    for (float[][] actual : List.of(batch, single)) {
      Parity first = Parity.compare(sample, Arrays.copyOf(actual, sample.length));
      assertThat(first.exact()).as("%s, first rows: %s", what, first).isEqualTo(first.values());
      assertThat(sha256(actual)).as("%s: SHA-256 of all %d rows' outputs", what, rows.length).isEqualTo(sha256);
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = Reference.class.getResourceAsStream("/reference/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource reference/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SHA-256 of {@code outputs} as the scripts compute it. */
  static String sha256(float[][] outputs) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      ByteBuffer buffer = ByteBuffer.allocate(4 * outputs[0].length).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] row : outputs) {
        buffer.clear();
        for (float v : row) {
          buffer.putFloat(v);
        }
        digest.update(buffer.array(), 0, buffer.position());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
