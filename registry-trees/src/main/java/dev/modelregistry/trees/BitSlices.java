package dev.modelregistry.trees;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A perfect-layout {@link Forest} walked by up to 64 rows at once, one bit per row: the leaf every row
 * reaches in every tree, found with word-wide logic instead of one descent per row and tree. Immutable and
 * thread-safe; the work arrays are per thread.
 *
 * <p>For a block of rows:
 *
 * <ol>
 *   <li><b>Conditions.</b> Every distinct (slot, threshold) of the forest is a condition, and its mask has
 *       bit {@code r} set when row {@code r}'s value is at least the threshold. Each slot's thresholds are
 *       kept sorted, so a row needs one search per slot (how many thresholds its value reaches, found
 *       without a branch), its bit goes to that threshold, and a pass from the highest threshold down ORs
 *       each mask into the one below it.
 *   <li><b>Trees.</b> Level by level, each real split divides the mask of rows that reached it into its
 *       children's ({@code reach & ~cond}, {@code reach & cond}); the rows that went right at level {@code
 *       L} make bit plane {@code L} of the leaf index. The perfect layout's pass-through splits (padding
 *       below a leaf) send every row left, so they add no bit and are not walked: 23 of 63 splits a tree
 *       in the benchmarks' model.
 *   <li><b>Leaf numbers.</b> The bit planes are turned into one index per row, eight rows at a time, with
 *       a table that spreads a byte's bits into the bytes of a long.
 * </ol>
 *
 * <p>The leaf numbers are the ones {@link Forest#leaves(long[], int, int[], int)} gives, so a prediction
 * is bit for bit the same; only the order of the work changes.
 */
final class BitSlices {

  /** The deepest forest walked this way: a leaf index must fit in a byte. */
  static final int MAX_DEPTH = 8;

  /** Bit {@code j} of the index moved to bit 0 of byte {@code j}. */
  private static final long[] SPREAD = new long[256];

  static {
    for (int b = 0; b < 256; b++) {
      long spread = 0;
      for (int j = 0; j < 8; j++) {
        spread |= (long) ((b >>> j) & 1) << (8 * j);
      }
      SPREAD[b] = spread;
    }
  }

  private static final ThreadLocal<long[]> MASKS = ThreadLocal.withInitial(() -> new long[0]);
  private static final int RIGHT = 1 << MAX_DEPTH;
  private static final int PLANES = 2 * RIGHT;
  private static final ThreadLocal<long[]> REACH = ThreadLocal.withInitial(() -> new long[PLANES + MAX_DEPTH]);

  private final int trees;
  private final int depth;
  /** Per slot, the index of its first condition less one (a condition for rows below every threshold). */
  private final int[] slotStart;
  /** Per slot, the first step of its search: half the padded count of its thresholds plus one, or 0. */
  private final int[] slotStep;
  /** By condition, its threshold key; a slot's padding thresholds are {@link Integer#MAX_VALUE}. */
  private final int[] threshold;
  /** Where each tree's real splits start in {@link #nodeCondition} and {@link #nodeLink}; one more at the end. */
  private final int[] treeStart;
  /** By real split, tree after tree, level by level: its condition. */
  private final int[] nodeCondition;
  /**
   * By real split: its parent's number in its tree plus one (0 for the root: a slot holding every row),
   * which side of it it is on ({@code << 9}, 1 for right) and its level ({@code << 10}).
   */
  private final int[] nodeLink;
  private final int conditions;

  private BitSlices(int trees, int depth, int[] slotStart, int[] slotStep, int[] threshold, int[] treeStart,
      int[] nodeCondition, int[] nodeLink) {
    this.trees = trees;
    this.depth = depth;
    this.slotStart = slotStart;
    this.slotStep = slotStep;
    this.threshold = threshold;
    this.treeStart = treeStart;
    this.nodeCondition = nodeCondition;
    this.nodeLink = nodeLink;
    this.conditions = threshold.length;
  }

  /**
   * The slices of a perfect forest's {@code packed} splits ({@code thresholdKey << 32 | slot}, level by
   * level from index {@code trees}), or null when it is deeper than {@value #MAX_DEPTH} levels or has none.
   */
  static @Nullable BitSlices of(long[] packed, int trees, int depth) {
    if (depth > MAX_DEPTH || depth == 0) {
      return null;
    }
    int slots = 0;
    for (int b = trees; b < packed.length; b++) {
      if (!passThrough(packed[b])) {
        slots = Math.max(slots, (int) packed[b] + 1);
      }
    }
    int[][] keys = new int[slots][];
    int[] count = new int[slots];
    for (int b = trees; b < packed.length; b++) {
      if (!passThrough(packed[b])) {
        int slot = (int) packed[b];
        if (keys[slot] == null) {
          keys[slot] = new int[8];
        } else if (count[slot] == keys[slot].length) {
          keys[slot] = Arrays.copyOf(keys[slot], 2 * count[slot]);
        }
        keys[slot][count[slot]++] = (int) (packed[b] >> 32);
      }
    }
    int[] slotStart = new int[slots];
    int[] slotStep = new int[slots];
    int next = 1; // condition 0 is never true
    for (int s = 0; s < slots; s++) {
      if (keys[s] != null) {
        int[] sorted = Arrays.stream(keys[s], 0, count[s]).sorted().distinct().toArray();
        keys[s] = sorted;
        int padded = Integer.highestOneBit(sorted.length) * 2 - 1; // 2^k - 1 >= length
        slotStep[s] = (padded + 1) / 2;
        slotStart[s] = next;
        next += 1 + padded;
        count[s] = padded;
      }
    }
    int[] threshold = new int[next];
    for (int s = 0; s < slots; s++) {
      if (keys[s] != null) {
        Arrays.fill(threshold, slotStart[s] + 1, slotStart[s] + 1 + count[s], Integer.MAX_VALUE);
        System.arraycopy(keys[s], 0, threshold, slotStart[s] + 1, keys[s].length);
      }
    }
    // the real splits of each tree, level by level: a pass-through split sends every row left, and only
    // pass-through splits are below it, so its rows' leaf index bits are all 0 and it need not be walked
    int real = 0;
    for (int b = trees; b < packed.length; b++) {
      real += passThrough(packed[b]) ? 0 : 1;
    }
    int[] treeStart = new int[trees + 1];
    int[] nodeCondition = new int[real];
    int[] nodeLink = new int[real];
    int[] local = new int[1 << depth]; // per position of the level above: its node's number in the tree, + 1
    int[] below = new int[1 << depth];
    int k = 0;
    for (int t = 0; t < trees; t++) {
      treeStart[t] = k;
      int first = k;
      local[0] = 0; // the root's parent: the slot holding every row
      for (int level = 0; level < depth; level++) {
        int base = (trees + t) << level;
        for (int i = 0; i < 1 << level; i++) {
          long split = packed[base + i];
          int parent = level == 0 ? 0 : local[i >> 1];
          if (passThrough(split) || (level > 0 && parent == 0)) {
            below[i] = 0;
            continue;
          }
          int slot = (int) split;
          nodeCondition[k] = slotStart[slot] + 1 + Arrays.binarySearch(keys[slot], (int) (split >> 32));
          int side = level == 0 ? 0 : i & 1;
          nodeLink[k] = parent | side << 9 | level << 10;
          below[i] = k - first + 1;
          k++;
        }
        System.arraycopy(below, 0, local, 0, 1 << level);
      }
    }
    treeStart[trees] = k;
    return new BitSlices(trees, depth, slotStart, slotStep, threshold, treeStart,
        Arrays.copyOf(nodeCondition, k), Arrays.copyOf(nodeLink, k));
  }

  /** A split that sends every row left: its threshold is above every key. */
  private static boolean passThrough(long split) {
    return (int) (split >> 32) == Integer.MAX_VALUE;
  }

  /**
   * The leaf numbers of every tree for {@code count} rows (1 to 64) prepared as {@link Forest#wide} keys,
   * row {@code r} at {@code rows[r * stride ..]}, its leaves into {@code out[r * trees ..]}.
   */
  void leaves(long[] rows, int stride, int count, int[] out) {
    long[] masks = masks(conditions);
    conditionMasks(rows, stride, count, masks);
    long[] reach = REACH.get();
    int depth = this.depth;
    int leaves = 1 << depth;
    int trees = this.trees;
    int[] nodeCondition = this.nodeCondition;
    int[] nodeLink = this.nodeLink;
    // reach[j]: the rows reaching real split j - 1 of the tree (reach[0]: every row); reach[RIGHT + j]: those
    // of them going right; reach[PLANES + level]: the rows going right at that level
    reach[0] = count == 64 ? -1L : (1L << count) - 1;
    reach[RIGHT] = 0;
    for (int t = 0; t < trees; t++) {
      Arrays.fill(reach, PLANES, PLANES + depth, 0L);
      int first = treeStart[t];
      for (int k = first, end = treeStart[t + 1]; k < end; k++) {
        int link = nodeLink[k];
        int parent = link & 0x1ff;
        long left = ((link >>> 9) & 1) - 1L; // all ones when this split is its parent's left child
        long mine = reach[RIGHT + parent] ^ (reach[parent] & left);
        long right = mine & masks[nodeCondition[k]];
        int j = k - first + 1;
        reach[j] = mine;
        reach[RIGHT + j] = right;
        reach[PLANES + (link >>> 10)] |= right;
      }
      int leaf0 = t * leaves;
      for (int r0 = 0; r0 < count; r0 += 8) {
        long index = 0;
        for (int level = 0; level < depth; level++) {
          index |= SPREAD[(int) (reach[PLANES + level] >>> r0) & 0xff] << (depth - 1 - level);
        }
        int at = r0 * trees + t;
        if (count - r0 >= 8) {
          out[at] = leaf0 + (int) (index & 0xff);
          out[at + trees] = leaf0 + (int) ((index >>> 8) & 0xff);
          out[at + 2 * trees] = leaf0 + (int) ((index >>> 16) & 0xff);
          out[at + 3 * trees] = leaf0 + (int) ((index >>> 24) & 0xff);
          out[at + 4 * trees] = leaf0 + (int) ((index >>> 32) & 0xff);
          out[at + 5 * trees] = leaf0 + (int) ((index >>> 40) & 0xff);
          out[at + 6 * trees] = leaf0 + (int) ((index >>> 48) & 0xff);
          out[at + 7 * trees] = leaf0 + (int) (index >>> 56);
        } else {
          for (int j = 0; j < count - r0; j++) {
            out[at + j * trees] = leaf0 + (int) ((index >>> (8 * j)) & 0xff);
          }
        }
      }
    }
  }

  /** Fills {@code masks[0 .. conditions)}: bit {@code r} of condition {@code c} when row {@code r} meets it. */
  private void conditionMasks(long[] rows, int stride, int count, long[] masks) {
    Arrays.fill(masks, 0, conditions, 0L);
    int[] threshold = this.threshold;
    for (int s = 0; s < slotStart.length; s++) {
      int step0 = slotStep[s];
      if (step0 == 0) {
        continue;
      }
      int start = slotStart[s];
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        // four rows' searches at once: each step waits on the previous one's load
        int key0 = (int) (rows[r * stride + s] >> 32);
        int key1 = (int) (rows[(r + 1) * stride + s] >> 32);
        int key2 = (int) (rows[(r + 2) * stride + s] >> 32);
        int key3 = (int) (rows[(r + 3) * stride + s] >> 32);
        int at0 = start;
        int at1 = start;
        int at2 = start;
        int at3 = start;
        for (int step = step0; step > 0; step >>= 1) {
          at0 += threshold[at0 + step] <= key0 ? step : 0;
          at1 += threshold[at1 + step] <= key1 ? step : 0;
          at2 += threshold[at2 + step] <= key2 ? step : 0;
          at3 += threshold[at3 + step] <= key3 ? step : 0;
        }
        masks[at0] |= 1L << r;
        masks[at1] |= 1L << (r + 1);
        masks[at2] |= 1L << (r + 2);
        masks[at3] |= 1L << (r + 3);
      }
      for (; r < count; r++) {
        int key = (int) (rows[r * stride + s] >> 32);
        // how many of the slot's thresholds the key reaches, without a branch on the data
        int at = start;
        for (int step = step0; step > 0; step >>= 1) {
          at += threshold[at + step] <= key ? step : 0;
        }
        masks[at] |= 1L << r;
      }
      for (int c = start + 2 * step0 - 2; c > start; c--) {
        masks[c] |= masks[c + 1];
      }
    }
  }

  private static long[] masks(int size) {
    long[] masks = MASKS.get();
    if (masks.length < size) {
      masks = new long[size];
      MASKS.set(masks);
    }
    return masks;
  }

  long memoryBytes() {
    return 64L + 8L * slotStart.length + 4L * threshold.length + 4L * treeStart.length + 8L * nodeLink.length;
  }
}
