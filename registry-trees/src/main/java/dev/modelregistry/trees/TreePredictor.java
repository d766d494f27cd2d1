package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A tree ensemble that predicts: prepares each row into its {@link Slots} (in a per-thread scratch array,
 * so a call allocates only its output), walks the {@link Forest}, and leaves the summing and the output
 * transform to the subclass, which follows its native library's arithmetic. Immutable and thread-safe.
 *
 * <p>Batches are evaluated in blocks of {@value #BLOCK} rows, tree by tree: a tree's nodes stay in the
 * first-level cache while every row of the block walks it. Each row still sums its trees in tree order.
 */
abstract class TreePredictor implements Predictor {

  static final int BLOCK = 64;

  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[256]);
  private static final ThreadLocal<double[]> MARGINS = ThreadLocal.withInitial(() -> new double[256]);

  final Forest forest;
  final Slots slots;
  final int width;
  final float missing;
  final int groups;
  final int[] treeGroup;
  final String description;

  TreePredictor(Forest forest, Slots slots, int width, float missing, int groups, int[] treeGroup,
      String description) {
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
    float[] scratch = scratch(stride + groups);
    slots.prepare(features, missing, scratch, 0);
    return predictOne(scratch, stride);
  }

  @Override
  public final float[][] predict(float[][] rows) {
    float[][] out = new float[rows.length][];
    int stride = slots.size();
    float[] scratch = scratch(BLOCK * (stride + groups));
    for (int start = 0; start < rows.length; start += BLOCK) {
      int count = Math.min(BLOCK, rows.length - start);
      for (int r = 0; r < count; r++) {
        float[] row = rows[start + r];
        checkWidth(row);
        slots.prepare(row, missing, scratch, r * stride);
      }
      predictBlock(scratch, stride, count, out, start);
    }
    return out;
  }

  /**
   * One prepared row at {@code prepared[0 .. stride)}; {@code prepared[stride .. stride + groups)} is free
   * for margins.
   */
  abstract float[] predictOne(float[] prepared, int stride);

  /**
   * {@code count} prepared rows, row {@code r} at {@code prepared[r * stride ..]}, into {@code out[start +
   * r]}; {@code prepared[BLOCK * stride ..]} has room for {@code BLOCK * groups} margins.
   */
  abstract void predictBlock(float[] prepared, int stride, int count, float[][] out, int start);

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

  /** This thread's scratch array of doubles, of at least {@code size}. */
  static double[] margins(int size) {
    double[] margins = MARGINS.get();
    if (margins.length < size) {
      margins = new double[Math.max(size, margins.length * 2)];
      MARGINS.set(margins);
    }
    return margins;
  }

  private static float[] scratch(int size) {
    float[] scratch = SCRATCH.get();
    if (scratch.length < size) {
      scratch = new float[Math.max(size, scratch.length * 2)];
      SCRATCH.set(scratch);
    }
    return scratch;
  }
}
