package dev.modelregistry.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens and closes ONNX Runtime sessions for the loader, and counts those open in this class loader, so
 * tests can show that every retired session was freed. Thread-safe.
 */
final class Sessions {

  private static final AtomicInteger OPEN = new AtomicInteger();

  private Sessions() {}

  static OrtSession open(OrtEnvironment env, String path, OrtSession.SessionOptions options) throws OrtException {
    OrtSession session = env.createSession(path, options);
    OPEN.incrementAndGet();
    return session;
  }

  /** Closes a session this class opened; it no longer counts as open once its native memory is freed. */
  static void close(OrtSession session) throws OrtException {
    session.close();
    OPEN.decrementAndGet();
  }

  /** The sessions opened and not yet closed. */
  static int open() {
    return OPEN.get();
  }
}
