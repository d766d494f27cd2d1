package dev.modelregistry.trees;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The work arrays of one prediction call: prepared rows, leaf numbers, margins, sums and the bit-sliced
 * walk's arrays, grown as a call needs and kept for the next, so that a call allocates only its output. Not
 * thread-safe: one call holds it from {@link #acquire()} to {@link #release()}.
 *
 * <p>A platform thread keeps one in a {@link ThreadLocal}. A virtual thread does not: it usually serves one
 * request and ends, so a thread-local would be allocated again on every call (about 100 KB for a block of
 * rows). Virtual threads take one from a small lock-free pool instead, and give it back when the call ends;
 * when the pool is empty a call makes a new one, and when it is full a returned one is dropped. (Jackson
 * 2.16's {@code RecyclerPool} settled on the same split.) Whether a thread is virtual is asked through a
 * method handle, since {@code Thread.isVirtual()} exists only from Java 21 and this code runs on 17.
 */
final class Scratch {

  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(() -> new Scratch(false));
  /** Pooled scratch for virtual threads: a slot is null when empty. */
  private static final AtomicReferenceArray<@Nullable Scratch> POOL =
      new AtomicReferenceArray<>(Math.max(8, Integer.highestOneBit(4 * Runtime.getRuntime().availableProcessors())));
  private static final AtomicLong CREATED = new AtomicLong();

  private int[] ints = new int[256];
  private long[] wide = new long[256];
  private int[] columns = new int[0];
  private double[] margins = new double[16];
  private final float[] sums = new float[TreePredictor.BLOCK];
  private long[] work = new long[0];
  private int[] ranks = new int[64];
  private long[] leafMasks = new long[256];
  private byte @Nullable [] bytes;
  /** Whether {@link #release()} gives it back to the pool (else it stays with its thread). */
  private final boolean pooled;

  /** A scratch of its own, for tests and single calls: {@link #release()} does nothing with it. */
  Scratch() {
    this(false);
  }

  private Scratch(boolean pooled) {
    this.pooled = pooled;
    CREATED.incrementAndGet();
  }

  /** The calling thread's scratch: its own on a platform thread, one from the pool on a virtual thread. */
  static Scratch acquire() {
    return acquire(isVirtual(Thread.currentThread()));
  }

  /** As {@link #acquire()}, {@code pooled} saying whether to take one from the pool (tests run both ways). */
  static Scratch acquire(boolean pooled) {
    if (!pooled) {
      return LOCAL.get();
    }
    AtomicReferenceArray<@Nullable Scratch> pool = POOL;
    int mask = pool.length() - 1;
    int start = (int) Thread.currentThread().getId();
    for (int i = 0; i <= mask; i++) {
      int at = (start + i) & mask;
      Scratch scratch = pool.get(at);
      if (scratch != null && pool.compareAndSet(at, scratch, null)) {
        return scratch;
      }
    }
    return new Scratch(true);
  }

  /** Ends the call that acquired it: a pooled scratch goes back to the pool (or is dropped if it is full). */
  void release() {
    if (!pooled) {
      return;
    }
    AtomicReferenceArray<@Nullable Scratch> pool = POOL;
    int mask = pool.length() - 1;
    int start = (int) Thread.currentThread().getId();
    for (int i = 0; i <= mask; i++) {
      int at = (start + i) & mask;
      if (pool.get(at) == null && pool.compareAndSet(at, null, this)) {
        return;
      }
    }
  }

  /** Whether {@code thread} is virtual: false before Java 21. */
  static boolean isVirtual(Thread thread) {
    MethodHandle handle = IS_VIRTUAL;
    if (handle == null) {
      return false;
    }
    try {
      return (boolean) handle.invokeExact(thread);
    } catch (Throwable e) {
      return false;
    }
  }

  private static @Nullable MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** How many scratches were made in this JVM: for tests. */
  static long created() {
    return CREATED.get();
  }

  /** Ints (leaf numbers, or keys for the node layout), at least {@code size}. */
  int[] ints(int size) {
    if (ints.length < size) {
      ints = new int[Math.max(size, ints.length * 2)];
    }
    return ints;
  }

  /** Ints for a block's keys lane by lane ({@link Slots.Widener#columns}), at least {@code size}. */
  int[] columns(int size) {
    if (columns.length < size) {
      columns = new int[Math.max(size, columns.length * 2)];
    }
    return columns;
  }

  /** Longs for rows prepared as wide keys, at least {@code size}. */
  long[] wide(int size) {
    if (wide.length < size) {
      wide = new long[Math.max(size, wide.length * 2)];
    }
    return wide;
  }

  /** Ints for a row's ranks among its lanes' thresholds ({@link LeafMasks}), at least {@code size}. */
  int[] ranks(int size) {
    if (ranks.length < size) {
      ranks = new int[Math.max(size, ranks.length * 2)];
    }
    return ranks;
  }

  /** Longs for a row's leaves left in each tree ({@link LeafMasks}), at least {@code size}. */
  long[] leafMasks(int size) {
    if (leafMasks.length < size) {
      leafMasks = new long[Math.max(size, leafMasks.length * 2)];
    }
    return leafMasks;
  }

  /** Doubles for a row's margins, at least {@code size}. */
  double[] margins(int size) {
    if (margins.length < size) {
      margins = new double[Math.max(size, margins.length * 2)];
    }
    return margins;
  }

  /** A block's sums, one float a row of a block. */
  float[] sums() {
    return sums;
  }

  /** The bit-sliced walk's long work array, at least {@code size}. */
  long[] work(int size) {
    if (work.length < size) {
      work = new long[size];
    }
    return work;
  }

  /** The bit-sliced walk's byte work array, of {@code size} (the same for every forest). */
  byte[] bytes(int size) {
    byte[] bytes = this.bytes;
    if (bytes == null) {
      bytes = new byte[size];
      this.bytes = bytes;
    }
    return bytes;
  }
}
