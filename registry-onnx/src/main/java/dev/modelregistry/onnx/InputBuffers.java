package dev.modelregistry.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small pool of direct, native-order float buffers that input tensors are built on, so a prediction
 * copies its rows once, into memory ONNX Runtime reads in place, instead of allocating a direct buffer (or
 * a native array) per call. Thread-safe and lock-free: a thread takes a buffer from one of a few slots
 * chosen by its identity, and puts it back when its call has returned; a thread that finds its slots empty
 * allocates, and a buffer that finds no free slot on return is left to the garbage collector.
 *
 * <p>One pool per predictor, so its buffers go away with the version. Buffers larger than {@link
 * #MAX_POOLED_FLOATS} are not kept: such batches take a heap buffer, which ONNX Runtime copies once, a cost
 * that is small next to the model's work on that many rows.
 */
final class InputBuffers {

  /** The largest buffer kept for reuse: 256 Ki floats, 1 MiB. */
  static final int MAX_POOLED_FLOATS = 1 << 18;

  private static final int MIN_CAPACITY = 16;
  private static final int PROBES = 4;

  private final AtomicReferenceArray<FloatBuffer> slots;
  private final int mask;

  InputBuffers() {
    int wanted = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    int size = Integer.highestOneBit(Math.min(wanted, 256) - 1) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  /** A cleared buffer of at least {@code floats} capacity; give it back with {@link #give}. */
  FloatBuffer take(int floats) {
    if (floats > MAX_POOLED_FLOATS) {
      return FloatBuffer.allocate(floats);
    }
    int home = home();
    for (int p = 0; p < PROBES; p++) {
      int i = (home + p) & mask;
      FloatBuffer buffer = slots.get(i);
      if (buffer != null && buffer.capacity() >= floats && slots.compareAndSet(i, buffer, null)) {
        buffer.clear();
        return buffer;
      }
    }
    return allocate(floats);
  }

  /** Returns a buffer taken from this pool once the call that used it has returned. */
  void give(FloatBuffer buffer) {
    if (!buffer.isDirect()) {
      return;
    }
    int home = home();
    for (int p = 0; p < PROBES; p++) {
      int i = (home + p) & mask;
      FloatBuffer current = slots.get(i);
      if (current == null) {
        if (slots.compareAndSet(i, null, buffer)) {
          return;
        }
      } else if (current.capacity() < buffer.capacity() && slots.compareAndSet(i, current, buffer)) {
        return; // keep the larger one
      }
    }
  }

  private int home() {
    int h = System.identityHashCode(Thread.currentThread());
    return (h ^ (h >>> 16)) & mask;
  }

  private static FloatBuffer allocate(int floats) {
    int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, floats - 1)) << 1);
    capacity = Math.min(capacity, MAX_POOLED_FLOATS);
    return ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
