package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A tree ensemble that predicts: prepares each row into its {@link Slots} (in a per-thread scratch array,
 * so a call allocates only its output), walks the {@link Forest}, and leaves the summing and the output
 * transform to the subclass, which follows its native library's arithmetic. Immutable and thread-safe.
 *
 * <p>A subclass that sums the leaves as the perfect layout is walked (one output group) takes a batch row by
 * row, exactly as single rows. Otherwise batches are evaluated in blocks of {@value #BLOCK} rows: all rows
 * of a block are prepared, then walk the forest, then are summed, so each phase's code and data stay hot.
 * Each row sums its trees in tree order, exactly as a single row does.
 */
abstract class TreePredictor implements Predictor {

  static final int BLOCK = 64;

  private static final ThreadLocal<int[]> KEYS = ThreadLocal.withInitial(() -> new int[256]);
  private static final ThreadLocal<long[]> WIDE_KEYS = ThreadLocal.withInitial(() -> new long[256]);
  private static final ThreadLocal<double[]> MARGINS = ThreadLocal.withInitial(() -> new double[256]);

  final Forest forest;
  final Slots slots;
  final int width;
  final float missing;
  final int groups;
  final int[] treeGroup;
  final String description;

  /** Whether the forest is in the perfect layout, walked with rows prepared as {@link Forest#wide} keys. */
  private final boolean perfect;
  /** Whether the subclass sums the leaves as the perfect layout is walked, in {@link #predictWide}. */
  private final boolean sums;

  TreePredictor(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      String description) {
    this(forest, slots, width, missing, groups, treeGroup, description, false);
  }

  TreePredictor(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      String description, boolean sums) {
    this.perfect = forest.isPerfect();
    this.sums = sums && perfect;
    this.forest = forest;
    this.slots = slots;
    this.width = width;
    this.missing = missing;
    this.groups = groups;
    this.treeGroup = treeGroup;
    this.description = description;
  }

  @Override
  public final float[] predict(float[] features) {
    checkWidth(features);
    int stride = slots.size();
    if (perfect) {
      long[] keys = wideKeys(stride);
      slots.prepareWide(features, missing, keys, 0);
      if (sums) {
        return predictWide(keys);
      }
      int[] leaves = ints(forest.trees());
      forest.leaves(keys, 0, leaves, 0);
      return predictOne(leaves, 0);
    }
    int[] scratch = ints(stride + forest.trees());
    slots.prepare(features, missing, scratch, 0);
    forest.leaves(scratch, 0, scratch, stride);
    return predictOne(scratch, stride);
  }

  @Override
  public final float[][] predict(float[][] rows) {
    float[][] out = new float[rows.length][];
    int stride = slots.size();
    int trees = forest.trees();
    if (sums) {
      // row by row, each walked as a single row is: the forest's seven descents at once already keep
      // the processor busy, and a row's slots stay in the first-level cache
      long[] keys = wideKeys(stride);
      for (int r = 0; r < rows.length; r++) {
        float[] row = rows[r];
        checkWidth(row);
        slots.prepareWide(row, missing, keys, 0);
        out[r] = predictWide(keys);
      }
      return out;
    }
    if (perfect) {
      long[] keys = wideKeys(BLOCK * stride);
      int[] leaves = ints(BLOCK * trees);
      for (int start = 0; start < rows.length; start += BLOCK) {
        int count = Math.min(BLOCK, rows.length - start);
        for (int r = 0; r < count; r++) {
          float[] row = rows[start + r];
          checkWidth(row);
          slots.prepareWide(row, missing, keys, r * stride);
        }
        for (int r = 0; r < count; r++) {
          forest.leaves(keys, r * stride, leaves, r * trees);
          out[start + r] = predictOne(leaves, r * trees);
        }
      }
      return out;
    }
    int[] scratch = ints(BLOCK * (stride + trees));
    int leavesAt = BLOCK * stride;
    for (int start = 0; start < rows.length; start += BLOCK) {
      int count = Math.min(BLOCK, rows.length - start);
      for (int r = 0; r < count; r++) {
        float[] row = rows[start + r];
        checkWidth(row);
        slots.prepare(row, missing, scratch, r * stride);
      }
      forest.leaves(scratch, stride, count, scratch, leavesAt);
      for (int r = 0; r < count; r++) {
        out[start + r] = predictOne(scratch, leavesAt + r * trees);
      }
    }
    return out;
  }

  /**
   * One row, prepared as {@link Forest#wide} keys at {@code keys[0 ..]}: in the perfect layout, when the
   * subclass passed {@code sums}, in place of {@link #predictOne}.
   */
  float[] predictWide(long[] keys) {
    throw noWidePath();
  }

  /** A subclass said it sums the leaves ({@code sums = true}) but does not: a bug in this package. */
  private IllegalStateException noWidePath() {
    return new IllegalStateException(getClass().getSimpleName() + " was built to sum leaves as it walks but does"
        + " not override predictWide; " + description);
  }

  /** One row, whose trees' leaf numbers are at {@code leaves[at ..]}, in tree order. */
  abstract float[] predictOne(int[] leaves, int at);

  /** The bytes of the leaf values the subclass keeps. */
  abstract long leafBytes();

  @Override
  public final OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public final OptionalLong memoryBytes() {
    return OptionalLong.of(128L + forest.memoryBytes() + slots.memoryBytes() + 4L * treeGroup.length + leafBytes());
  }

  @Override
  public final String toString() {
    return description;
  }

  private void checkWidth(float[] row) {
    if (row.length < width) {
      throw new IllegalArgumentException("the model reads " + width + " features but the row has " + row.length);
    }
  }

  private static long[] wideKeys(int size) {
    long[] keys = WIDE_KEYS.get();
    if (keys.length < size) {
      keys = new long[Math.max(size, keys.length * 2)];
      WIDE_KEYS.set(keys);
    }
    return keys;
  }

  /** This thread's scratch array of doubles, of at least {@code size}. */
  static double[] margins(int size) {
    double[] margins = MARGINS.get();
    if (margins.length < size) {
      margins = new double[Math.max(size, margins.length * 2)];
      MARGINS.set(margins);
    }
    return margins;
  }

  /** This thread's scratch array of ints (leaf numbers, or keys for the node layout), of at least {@code size}. */
  static int[] ints(int size) {
    int[] keys = KEYS.get();
    if (keys.length < size) {
      keys = new int[Math.max(size, keys.length * 2)];
      KEYS.set(keys);
    }
    return keys;
  }
}
