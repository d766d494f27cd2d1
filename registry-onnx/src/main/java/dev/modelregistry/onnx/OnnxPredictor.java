package dev.modelregistry.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.spi.Predictor;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session serving one version. Thread-safe: any number of threads may predict at once
 * (concurrent {@code OrtSession.run} calls are safe); {@link #close()} must come after the last of them has
 * returned, which the registry guarantees.
 *
 * <p>A call copies its rows into a pooled direct buffer ({@link InputBuffers}), wraps it in an input tensor
 * of shape {@code [rows, features]}, runs the session once for the one output it returns, and closes the
 * tensor and the result before returning. A batch is one run; a model exported with a fixed batch of 1 is
 * run once per row.
 *
 * <p><b>Why pooled direct buffers.</b> Measured with {@code LatencyReport} (in the tests) on the 3-feature
 * regressor fixture, one thread, warmed up, 2 cores, ONNX Runtime 1.29.0, microseconds per call for 1 and
 * 256 rows: input from {@code OnnxTensor.createTensor(env, float[][])} 5.7 and 67.4, because ONNX Runtime
 * walks the Java array row by row; from a heap {@code FloatBuffer} 5.1 and 7.8, and ONNX Runtime allocates
 * a fresh direct buffer per call; from a reused direct buffer 4.5 and 6.2. Reading the output with {@code
 * getValue()}'s nested arrays instead of one bulk {@code getFloatBuffer()} copy costs 19.3 instead of 6.2
 * for 256 rows. Single rows differ by less than the noise, batches by 25% to 11 times, so inputs go through
 * reused direct buffers and outputs through {@code getFloatBuffer()}. The buffers are pooled per predictor
 * rather than per thread so that virtual threads, or many short-lived threads, do not each pin a direct
 * buffer, and so that they go away with the version. Reusing the input tensor as well (possible for single
 * rows) saved about 0.3 µs in a separate measurement, within the noise, and was left out.
 */
final class OnnxPredictor implements Predictor {

  private static final Logger log = LoggerFactory.getLogger(OnnxPredictor.class);

  private final String label;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final Set<String> requestedOutputs;
  private final InputBuffers buffers = new InputBuffers();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param label the model and version, for messages ({@code model t20_win_predictor v3})
   */
  OnnxPredictor(String label, OrtEnvironment env, OrtSession session, ModelSignature signature) {
    this.label = label;
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.requestedOutputs = Set.of(signature.output().name());
  }

  @Override
  public float[] predict(float[] features) {
    FloatBuffer buffer = buffers.take(features.length);
    try {
      buffer.put(features).flip();
      return run(buffer, 1, features.length)[0];
    } finally {
      buffers.give(buffer);
    }
  }

  @Override
  public float[][] predict(float[][] rows) {
    if (rows.length == 0) {
      return new float[0][];
    }
    int width = rows[0].length;
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            label + ": row " + i + " has " + rows[i].length + " features but row 0 has " + width);
      }
    }
    if (!signature.batched()) {
      float[][] out = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        out[i] = predict(rows[i]);
      }
      return out;
    }
    FloatBuffer buffer = buffers.take(Math.multiplyExact(rows.length, width));
    try {
      for (float[] row : rows) {
        buffer.put(row);
      }
      buffer.flip();
      return run(buffer, rows.length, width);
    } finally {
      buffers.give(buffer);
    }
  }

  private float[][] run(FloatBuffer input, int rows, int width) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {rows, width});
        OrtSession.Result result = session.run(Map.of(signature.inputName(), tensor), requestedOutputs)) {
      return signature.output().read(result.get(0), rows);
    } catch (OrtException e) {
      String message = label + ": ONNX Runtime could not run the model on " + rows + " row(s) of " + width
          + " features (input " + signature.inputName() + " " + signature.inputShape() + "): " + e.getMessage();
      throw e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT
          ? new IllegalArgumentException(message, e)
          : new IllegalStateException(message, e);
    }
  }

  @Override
  public OptionalInt inputWidth() {
    return signature.width() > 0 ? OptionalInt.of(signature.width()) : OptionalInt.empty();
  }

  /** The session, for {@code OrtSession.class}; valid only while the registry keeps this version open. */
  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    if (type.isInstance(session)) {
      return Optional.of(type.cast(session));
    }
    return Predictor.super.unwrap(type);
  }

  /** Frees the session. Idempotent; the registry calls it once, after the last prediction has returned. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Sessions.close(session);
    } catch (OrtException | RuntimeException e) {
      log.warn("{}: closing the ONNX Runtime session failed; its native memory may not be freed", label, e);
    }
  }

  ModelSignature signature() {
    return signature;
  }

  @Override
  public String toString() {
    return "OnnxPredictor[" + label + ", input " + signature.inputName() + " " + signature.inputShape()
        + ", output " + signature.output().name() + " (" + signature.output().type() + ")]";
  }
}
