package dev.modelregistry.trees;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A perfect-layout {@link Forest} at most {@value #MAX_DEPTH} levels deep, one row at a time, without a
 * descent: QuickScorer's leaf masks (Lucchese et al., SIGIR 2015), summed ahead of time for every rank a
 * key can have. Immutable and thread-safe; the work arrays are the call's {@link Scratch}.
 *
 * <p>QuickScorer starts every tree with all its leaves possible, one bit each in a long, and every split
 * the row goes right at clears the leaves of its left subtree; the exit leaf is then the lowest bit left.
 * Which splits a row goes right at depends, lane by lane, only on its key's rank among the lane's distinct
 * thresholds (its {@link Conditions} rank): the splits whose thresholds the key reaches. So for each
 * condition this class keeps, for every tree, the AND of the masks of all the lane's splits at or below its
 * threshold: one long per tree. A row then takes
 *
 * <ol>
 *   <li>one search per lane, for its rank (a bucket and a step or two, as the bit-sliced walk does);
 *   <li>the AND, tree by tree, of one long per lane: a loop over the trees that the compiler turns into
 *       vector instructions, four lanes per pass;
 *   <li>for every tree, the lowest bit left, whose leaf value is added in tree order, in float: what the
 *       descent adds, in the same order, so the sum is bit for bit the same.
 * </ol>
 *
 * <p>It costs memory: one long per tree for each distinct (lane, threshold), 1.05 MB for the benchmarks'
 * model (100 trees of depth 6 on 12 features, 1,281 distinct thresholds), where its perfect layout
 * takes 0.27 MB. Forests whose masks would take more than {@value #MAX_BYTES} bytes descend instead, unless
 * the layout is chosen: the masks a row reads should stay in the processor's second-level cache (1 to 2 MiB
 * a core on current servers). JMH, that model, one row: 316 ± 8 ns against 457 ± 16 for the seven-chain
 * descent, in one run; 279 ± 4 against 449 ± 28 in a later one, whose searches take one step. A first version that read each lane's masks from one shared array at an offset,
 * which the compiler did not turn into vector instructions, and searched without buckets, took 863 ns.
 */
final class LeafMasks {

  /** The deepest forest: a tree's leaves must fit in a long. */
  static final int MAX_DEPTH = 6;
  /** The most bytes the masks may take when the layout is chosen automatically. */
  static final long MAX_BYTES = 2L << 20;

  private final int trees;
  private final int depth;
  private final Conditions conditions;
  /** The lanes a real split reads, then -1 up to a multiple of four (a lane whose rank is always 0). */
  private final int[] lanes;
  /**
   * By condition: per tree, the leaves a row meeting it (and none above it in its lane) may still reach.
   * A lane's "none met" number and condition 0 share one array of all ones; a lane's padding conditions,
   * which no key meets, its last real condition's array.
   */
  private final long[][] masks;
  private final long bytes;

  private LeafMasks(int trees, int depth, Conditions conditions, int[] lanes, long[][] masks, long bytes) {
    this.trees = trees;
    this.depth = depth;
    this.conditions = conditions;
    this.lanes = lanes;
    this.masks = masks;
    this.bytes = bytes;
  }

  /**
   * The masks of a perfect forest's {@code packed} splits (level by level from index {@code trees}), its
   * thresholds searched through {@code conditions}; null when it is deeper than {@value #MAX_DEPTH} levels,
   * has no real split, or (unless {@code always}) its masks would take more than {@value #MAX_BYTES} bytes.
   */
  static @Nullable LeafMasks of(long[] packed, int trees, int depth, @Nullable Conditions conditions,
      boolean always) {
    if (depth > MAX_DEPTH || depth == 0 || conditions == null) {
      return null;
    }
    int searched = 0;
    long real = 0;
    for (int l = 0; l < conditions.lanes(); l++) {
      if (conditions.searched(l)) {
        searched++;
        for (int c = conditions.none(l) + 1; conditions.threshold[c] != Integer.MAX_VALUE; c++) {
          real++;
        }
      }
    }
    long bytes = 64L + 4L * conditions.count() + (real + 1) * (16L + 8L * trees) + 4L * searched;
    if (!always && bytes > MAX_BYTES) {
      return null;
    }
    long[] ones = new long[trees];
    Arrays.fill(ones, -1L);
    long[][] masks = new long[conditions.count()][];
    Arrays.fill(masks, ones);
    // each real split clears the leaves of its left subtree in its condition's masks
    for (int level = 0; level < depth; level++) {
      int left = 1 << (depth - level - 1); // the leaves below a split's left child
      for (int t = 0; t < trees; t++) {
        int base = (trees + t) << level;
        for (int i = 0; i < 1 << level; i++) {
          long split = packed[base + i];
          if (Conditions.passThrough(split)) {
            continue;
          }
          int c = conditions.of(split);
          if (masks[c] == ones) {
            masks[c] = ones.clone();
          }
          masks[c][t] &= ~(((1L << left) - 1) << (2 * i * left));
        }
      }
    }
    int[] lanes = new int[(searched + 3) & ~3];
    Arrays.fill(lanes, -1);
    for (int l = 0, k = 0; l < conditions.lanes(); l++) {
      if (!conditions.searched(l)) {
        continue;
      }
      lanes[k++] = l;
      // a key meeting a condition meets every one below it in its lane: AND them upwards
      int c = conditions.none(l) + 2;
      for (; conditions.threshold[c] != Integer.MAX_VALUE; c++) {
        long[] mine = masks[c];
        long[] below = masks[c - 1];
        for (int t = 0; t < trees; t++) {
          mine[t] &= below[t];
        }
      }
      // the padding conditions, which no clamped key meets: as the last real one, for safety
      for (int end = conditions.last(l); c <= end; c++) {
        masks[c] = masks[c - 1];
      }
    }
    return new LeafMasks(trees, depth, conditions, lanes, masks, bytes);
  }

  /**
   * {@code sum} plus, in tree order and in float, the value ({@code values} by leaf number, {@code 2^depth}
   * a tree) of the leaf each tree sends the row to, its lanes prepared as {@link Forest#wide} keys at {@code
   * row[0 ..]}: what {@link Forest#sum(long[], float[], float)} gives.
   */
  float sum(long[] row, float[] values, float sum, Scratch scratch) {
    long[] left = leavesLeft(row, scratch);
    int depth = this.depth;
    for (int t = 0; t < trees; t++) {
      sum += values[(t << depth) + Long.numberOfTrailingZeros(left[t])];
    }
    return sum;
  }

  /**
   * The leaf numbers of every tree for the row whose lanes are prepared as {@link Forest#wide} keys at
   * {@code row[0 ..]}, into {@code out[outOffset .. + trees)}: what {@link Forest#leaves(long[], int, int[],
   * int)} gives.
   */
  void leaves(long[] row, int[] out, int outOffset, Scratch scratch) {
    long[] left = leavesLeft(row, scratch);
    int depth = this.depth;
    for (int t = 0; t < trees; t++) {
      out[outOffset + t] = (t << depth) + Long.numberOfTrailingZeros(left[t]);
    }
  }

  /** Per tree, the leaves the row may reach after every split it goes right at: its exit leaf the lowest. */
  private long[] leavesLeft(long[] row, Scratch scratch) {
    int[] lanes = this.lanes;
    int[] at = scratch.ranks(lanes.length);
    Conditions conditions = this.conditions;
    for (int i = 0; i < lanes.length; i++) {
      int lane = lanes[i];
      at[i] = lane < 0 ? 0 : conditions.rank(lane, Forest.keyOf(row[lane]));
    }
    int trees = this.trees;
    long[] left = scratch.leafMasks(trees);
    long[][] masks = this.masks;
    // four lanes a pass, each pass a loop the compiler vectorizes
    long[] a = masks[at[0]];
    long[] b = masks[at[1]];
    long[] c = masks[at[2]];
    long[] d = masks[at[3]];
    for (int t = 0; t < trees; t++) {
      left[t] = a[t] & b[t] & c[t] & d[t];
    }
    for (int i = 4; i < lanes.length; i += 4) {
      a = masks[at[i]];
      b = masks[at[i + 1]];
      c = masks[at[i + 2]];
      d = masks[at[i + 3]];
      for (int t = 0; t < trees; t++) {
        left[t] &= a[t] & b[t] & c[t] & d[t];
      }
    }
    return left;
  }

  long memoryBytes() {
    return bytes;
  }
}
