package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A tree ensemble that predicts: prepares each row into its {@link Slots} (in the call's {@link Scratch},
 * so a call allocates only its output), walks the {@link Forest}, and leaves the summing and the output
 * transform to the subclass, which follows its native library's arithmetic. Immutable and thread-safe.
 *
 * <p>Batches are evaluated in blocks of {@value #BLOCK} rows. In the perfect layout, when the forest is at
 * most {@value BitSlices#MAX_DEPTH} levels deep, a block of at least {@value #SLICED_ROWS} rows ({@value
 * #SLICED_ROWS_MASKED} when single rows go through {@link LeafMasks}) walks the forest all at once,
 * bit-sliced (see {@link BitSlices}), and a subclass that sums as it walks gets the block's sums from the
 * walk ({@link #predictSliced}); otherwise a block goes row by row, as single rows do. Each row sums its
 * trees in tree order, exactly as a single row does, so a row's prediction does not depend on the batch it
 * came in.
 */
abstract class TreePredictor implements Predictor {

  static final int BLOCK = 64;

  private static final int[] EMPTY = new int[0];

  /**
   * The fewest rows of a block walked bit-sliced rather than row by row: much of a block's slicing costs
   * the same whatever its number of rows (JMH, 100 trees of depth 6, a call of that many rows, each way in
   * turn, two runs: 8 rows took 4.5 µs sliced and 3.7 µs row by row; 10 rows, 4.9 and 5.4 against 5.1 and
   * 4.7; 12 rows, 5.0 to 5.5 against 5.6 to 5.9; 16 rows, 5.1 and 7.5).
   */
  static final int SLICED_ROWS = 12;
  /**
   * As {@link #SLICED_ROWS}, when single rows go through {@link LeafMasks}, which are faster than a descent:
   * then blocks of fewer rows go row by row (JMH, the same model and calls: 16 rows took 5.3 µs sliced and
   * 4.2 row by row; 20 rows, 5.8 against 5.3 and 5.5; 24 rows, 5.8 and 5.9 against 6.2 to 6.7; 32 rows, 6.4
   * and 8.2).
   */
  static final int SLICED_ROWS_MASKED = 24;


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
  /** In the perfect layout, what prepares a row's lanes. */
  private final Slots.@Nullable Widener widener;
  /** The fewest rows of a block walked bit-sliced. */
  private final int slicedRows;

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
    this.widener = perfect ? forest.widener(slots) : null;
    this.slicedRows = forest.masked() ? SLICED_ROWS_MASKED : SLICED_ROWS;
  }

  private Slots.Widener widener() {
    Slots.Widener widener = this.widener;
    if (widener == null) {
      throw new IllegalStateException("the forest is not in the perfect layout: " + description);
    }
    return widener;
  }

  @Override
  public final float[] predict(float[] features) {
    checkWidth(features);
    Scratch scratch = Scratch.acquire();
    try {
      return predict(features, scratch);
    } finally {
      scratch.release();
    }
  }

  private float[] predict(float[] features, Scratch scratch) {
    int stride = slots.size();
    if (perfect) {
      long[] wide = scratch.wide(forest.lanes());
      widener().prepare(features, missing, wide, 0);
      if (sums) {
        return predictWide(wide, scratch);
      }
      int[] leaves = scratch.ints(forest.trees());
      forest.leaves(wide, leaves, 0, scratch);
      return predictOne(leaves, 0, scratch);
    }
    int[] keys = scratch.ints(stride + forest.trees());
    slots.prepare(features, missing, keys, 0);
    forest.leaves(keys, 0, keys, stride);
    return predictOne(keys, stride, scratch);
  }

  @Override
  public final float[][] predict(float[][] rows) {
    Scratch scratch = Scratch.acquire();
    try {
      return predict(rows, scratch);
    } finally {
      scratch.release();
    }
  }

  private float[][] predict(float[][] rows, Scratch scratch) {
    float[][] out = new float[rows.length][];
    int stride = slots.size();
    int trees = forest.trees();
    if (perfect) {
      int lanes = forest.lanes();
      Slots.Widener widener = widener();
      long[] keys = scratch.wide(lanes);
      boolean sliced = forest.sliced();
      // leaf numbers are kept only where they are summed afterwards: a one-output model sums as it walks,
      // and 64 rows' leaves would grow the scratch for nothing
      int[] leaves = sums ? EMPTY : scratch.ints(BLOCK * trees);
      for (int start = 0; start < rows.length; start += BLOCK) {
        int count = Math.min(BLOCK, rows.length - start);
        boolean block = sliced && count >= slicedRows;
        if (sums && !block) {
          // row by row, each as a single row is
          for (int r = 0; r < count; r++) {
            float[] row = rows[start + r];
            checkWidth(row);
            widener.prepare(row, missing, keys, 0);
            out[start + r] = predictWide(keys, scratch);
          }
          continue;
        }
        if (block) {
          for (int r = 0; r < count; r++) {
            checkWidth(rows[start + r]);
          }
          int[] columns = scratch.columns(BLOCK * lanes);
          widener.columns(rows, start, count, missing, columns);
          if (sums) {
            predictSliced(columns, count, out, start, scratch);
            continue;
          }
          forest.leaves(columns, count, leaves, scratch);
        } else {
          for (int r = 0; r < count; r++) {
            float[] row = rows[start + r];
            checkWidth(row);
            widener.prepare(row, missing, keys, 0);
            forest.leaves(keys, leaves, r * trees, scratch);
          }
        }
        predictBlock(leaves, count, out, start, scratch);
      }
      return out;
    }
    int[] keys = scratch.ints(BLOCK * (stride + trees));
    int leavesAt = BLOCK * stride;
    for (int start = 0; start < rows.length; start += BLOCK) {
      int count = Math.min(BLOCK, rows.length - start);
      for (int r = 0; r < count; r++) {
        float[] row = rows[start + r];
        checkWidth(row);
        slots.prepare(row, missing, keys, r * stride);
      }
      forest.leaves(keys, stride, count, keys, leavesAt);
      for (int r = 0; r < count; r++) {
        out[start + r] = predictOne(keys, leavesAt + r * trees, scratch);
      }
    }
    return out;
  }

  /**
   * One row, prepared as {@link Forest#wide} keys at {@code keys[0 ..]}: in the perfect layout, when the
   * subclass passed {@code sums}, in place of {@link #predictOne}.
   */
  float[] predictWide(long[] keys, Scratch scratch) {
    throw noWidePath();
  }

  /**
   * A block of {@code count} rows ({@value #SLICED_ROWS} to {@value #BLOCK}) prepared as {@linkplain
   * Slots.Widener#columns columns}, walked all at once through the forest's {@link BitSlices}, into {@code
   * out[outAt + r]}: in place of {@link #predictBlock} when the subclass passed {@code sums}.
   */
  void predictSliced(int[] columns, int count, float[][] out, int outAt, Scratch scratch) {
    throw noWidePath();
  }

  /** A subclass said it sums the leaves ({@code sums = true}) but does not: a bug in this package. */
  private IllegalStateException noWidePath() {
    return new IllegalStateException(getClass().getSimpleName() + " was built to sum leaves as it walks but does"
        + " not override predictWide and predictSliced; " + description);
  }

  /**
   * {@code count} rows, row {@code r}'s leaf numbers at {@code leaves[r * trees ..]}, into {@code out[outAt +
   * r]}: {@link #predictOne} row by row unless the subclass does better.
   */
  void predictBlock(int[] leaves, int count, float[][] out, int outAt, Scratch scratch) {
    int trees = forest.trees();
    for (int r = 0; r < count; r++) {
      out[outAt + r] = predictOne(leaves, r * trees, scratch);
    }
  }

  /** One row, whose trees' leaf numbers are at {@code leaves[at ..]}, in tree order. */
  abstract float[] predictOne(int[] leaves, int at, Scratch scratch);

  /** The bytes of the leaf values the subclass keeps. */
  abstract long leafBytes();

  @Override
  public final OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public final OptionalLong memoryBytes() {
    Slots.Widener widener = this.widener;
    return OptionalLong.of(128L + forest.memoryBytes() + slots.memoryBytes() + 4L * treeGroup.length + leafBytes()
        + (widener == null ? 0 : widener.memoryBytes()));
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
}
