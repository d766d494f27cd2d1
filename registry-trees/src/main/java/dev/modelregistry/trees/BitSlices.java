package dev.modelregistry.trees;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A perfect-layout {@link Forest} walked by up to 64 rows at once, one bit per row: the leaf every row
 * reaches in every tree, found with word-wide logic instead of one descent per row and tree. Immutable and
 * thread-safe; the work arrays are the call's {@link Scratch}.
 *
 * <p>For a block of rows:
 *
 * <ol>
 *   <li><b>Conditions.</b> Every distinct (slot, threshold) of the forest is a condition, and its mask has
 *       bit {@code r} set when row {@code r}'s value is at least the threshold. Each slot's thresholds are
 *       kept sorted, so a row needs one search per slot (how many thresholds its value reaches, found
 *       without a branch from a bucket of the key's range, eight rows at once: see {@link Conditions}), its bit
 *       goes to that threshold, and a pass from the highest threshold down ORs each mask into the one
 *       below it.
 *   <li><b>Trees.</b> Tree after tree, level by level, each real split divides the mask of rows that
 *       reached it into its children's ({@code mine & ~cond}, {@code mine & cond}); the rows that went
 *       right at level {@code L} make bit plane {@code L} of the leaf index, ORed in a register while a
 *       tree's splits stay on one level. A split is three words read in order (where its condition's
 *       mask, its rows and its plane are in the work array), so the loop is a few loads and word
 *       operations a split. The perfect layout's pass-through splits (padding below a leaf) send every row
 *       left, so they add no bit and are not walked: 23 of 63 splits a tree in the benchmarks' model. The
 *       splits whose children are all leaves are walked after the others, in a loop that stores no
 *       children.
 *   <li><b>Leaf indices.</b> The bit planes are turned into one index per row, a byte, eight rows at a
 *       time, with a table that spreads a plane's byte into the bytes of a long at its level's bit.
 *   <li><b>Sums.</b> For a model with one output ({@link #sum}), eight rows at a time add their leaves
 *       tree after tree, working out the indices as they go: eight chains of float additions in flight,
 *       each row's in tree order. Each tree's leaf values are an array of their own ({@link
 *       Forest#byTree}).
 * </ol>
 *
 * <p>A <em>slot</em> here is one of the forest's {@linkplain Forest#lanes() lanes}. A block's rows come
 * prepared lane by lane ({@link Slots.Widener#columns}: 64 keys a lane, read in order by the searches), each
 * key clamped to its lane's range, which changes no comparison and keeps the searches' buckets in bounds.
 *
 * <p>Trees are walked in chunks of at most {@value #CHUNK} trees and {@value #CHUNK_SPLITS} splits, so the
 * walk's part of the work arrays is bounded (about 80 KB) whatever the forest; the condition
 * masks take 8 bytes per threshold (distinct per slot, plus padding), as many as the largest model the
 * scratch has walked needed. The leaf numbers are the ones {@link Forest#leaves(long[], int, int[], int)}
 * gives, and each row's sum adds the same values in the same order as {@link Forest#sum}, so a prediction
 * is bit for bit the same; only the order of the work changes.
 */
final class BitSlices {

  /** The most rows walked at once: a bit of a long each. */
  static final int ROWS = 64;
  /** The deepest forest walked this way: a leaf index must fit in a byte. */
  static final int MAX_DEPTH = 8;

  /**
   * By level {@code L} and byte {@code b} of its bit plane (at {@code 256 L + b}): bit {@code j} of {@code b}
   * moved to bit {@code 7 - L} of byte {@code j}, that level's bit in an eight-level leaf index.
   */
  private static final long[] PLANE_SPREAD = new long[MAX_DEPTH * 256];

  static {
    for (int b = 0; b < 256; b++) {
      long spread = 0;
      for (int j = 0; j < 8; j++) {
        spread |= (long) ((b >>> j) & 1) << (8 * j);
      }
      for (int level = 0; level < MAX_DEPTH; level++) {
        PLANE_SPREAD[level * 256 + b] = spread << (MAX_DEPTH - 1 - level);
      }
    }
  }

  /**
   * The most splits a chunk of trees holds (one tree has fewer): the work array's first {@code
   * CHUNK_SPLITS} entries hold the rows going left at each split of the chunk being walked, the next as many
   * the rows going right.
   */
  private static final int CHUNK_SPLITS = 1024;
  /** Where in the work array every row of the block is: what the roots split. */
  private static final int ALL = 2 * CHUNK_SPLITS;
  /** The most trees in a chunk: those walked before their leaf indices are read. */
  private static final int CHUNK = 256;
  /** Where in the work array the bit planes of a chunk's trees are: {@code MAX_DEPTH} a tree. */
  private static final int PLANES = ALL + 1;
  /** Where in the work array the bit planes that a chunk's terminal splits add to are: ORed into the others'. */
  private static final int TERMINAL_PLANES = PLANES + CHUNK * MAX_DEPTH;
  /** Where in the work array the condition masks are. */
  private static final int MASKS = TERMINAL_PLANES + CHUNK * MAX_DEPTH;
  /** Where in the byte work array the leaf indices of a chunk's trees are: 64 rows a tree. */
  private static final int INDICES = CHUNK * MAX_DEPTH * 8;
  /** The size of the byte work array: the bit planes, then the leaf indices, of a chunk's trees. */
  private static final int BYTES = INDICES + CHUNK * 64;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int trees;
  private final int depth;
  private final Conditions conditions;
  /**
   * Per chunk, where its real splits start, then where its terminal ones start (those without a real
   * child: {@link #splits} walks them in a second loop); one more at the end.
   */
  private final int[] walks;
  /** The first tree of each chunk, and the number of trees. */
  private final int[] chunks;
  /** By real split, tree after tree, level by level: where in the work array its condition's mask is. */
  private final int[] condition;
  /**
   * By real split: where in the work array the rows reaching it are: {@link #ALL} for a root, else its
   * parent's left rows (at the parent's place among the chunk's splits with a real child), or its right
   * ones {@link #CHUNK_SPLITS} after.
   */
  private final int[] from;
  /**
   * By real split: where in the work array its level's bit plane is (the low half), with the sign bit set
   * when the split before it in the same loop of {@link #splits} is on the same level of the same tree. A
   * long, so that the flag becomes a mask with one shift and the index needs no masking.
   */
  private final long[] plane;

  private BitSlices(int trees, int depth, Conditions conditions, int[] walks, int[] chunks, int[] condition,
      int[] from, long[] plane) {
    this.trees = trees;
    this.depth = depth;
    this.conditions = conditions;
    this.walks = walks;
    this.chunks = chunks;
    this.condition = condition;
    this.from = from;
    this.plane = plane;
  }

  /**
   * The slices of a perfect forest's {@code packed} splits ({@link Forest#split}: threshold key and lane),
   * level by level from index {@code trees}, whose thresholds are searched through {@code conditions}; null
   * when it is deeper than {@value #MAX_DEPTH} levels or has no real split.
   */
  static @Nullable BitSlices of(long[] packed, int trees, int depth, @Nullable Conditions conditions) {
    if (depth > MAX_DEPTH || depth == 0 || conditions == null) {
      return null;
    }
    // the real splits, tree after tree, level by level: a pass-through split sends every row left, and only
    // pass-through splits are below it, so its rows' leaf index bits are all 0 and it need not be walked
    int real = 0;
    for (int b = trees; b < packed.length; b++) {
      real += Conditions.passThrough(packed[b]) ? 0 : 1;
    }
    int[] treeOf = new int[real];
    int[] levelOf = new int[real];
    int[] parentOf = new int[real]; // -1 for a root; else its parent's number, times 2, plus 1 on the right
    int[] conditionOf = new int[real];
    boolean[] terminal = new boolean[real];
    int[] treeStart = new int[trees + 1];
    int[] local = new int[1 << depth]; // per position of the level above: its split's number, or -1
    int[] below = new int[1 << depth];
    int n = 0;
    for (int t = 0; t < trees; t++) {
      treeStart[t] = n;
      for (int level = 0; level < depth; level++) {
        int base = (trees + t) << level;
        for (int i = 0; i < 1 << level; i++) {
          long split = packed[base + i];
          int parent = level == 0 ? -1 : local[i >> 1];
          if (Conditions.passThrough(split) || (level > 0 && parent < 0)) {
            below[i] = -1;
            continue;
          }
          treeOf[n] = t;
          levelOf[n] = level;
          parentOf[n] = parent < 0 ? -1 : 2 * parent + (i & 1);
          conditionOf[n] = MASKS + conditions.of(split);
          terminal[n] = true;
          if (parent >= 0) {
            terminal[parent] = false;
          }
          below[i] = n++;
        }
        System.arraycopy(below, 0, local, 0, 1 << level);
      }
    }
    treeStart[trees] = n;
    // chunks of trees; in each, the splits with a real child first (a parent comes before its children),
    // then the terminal ones, each part in tree and level order
    int[] chunks = new int[trees + 1];
    int[] walks = new int[2 * trees + 1];
    int chunkCount = 0;
    for (int t = 0; t < trees; t++) {
      int size = treeStart[t + 1] - treeStart[t];
      if (t == 0 || t - chunks[chunkCount - 1] == CHUNK
          || treeStart[t] - treeStart[chunks[chunkCount - 1]] + size > CHUNK_SPLITS) {
        chunks[chunkCount++] = t;
      }
    }
    chunks[chunkCount] = trees;
    int[] order = new int[real]; // a split's place in the walk
    int[] condition = new int[real];
    int[] from = new int[real];
    long[] plane = new long[real];
    int k = 0;
    for (int c = 0; c < chunkCount; c++) {
      int first = treeStart[chunks[c]];
      int end = treeStart[chunks[c + 1]];
      walks[2 * c] = k;
      for (int part = 0; part < 2; part++) {
        if (part == 1) {
          walks[2 * c + 1] = k;
        }
        int previous = -1; // the tree and level of the split before, in this part
        for (int s = first; s < end; s++) {
          if (terminal[s] != (part == 1)) {
            continue;
          }
          order[s] = k;
          condition[k] = conditionOf[s];
          // the rows reaching it: every row for a root, else its parent's left or right rows, which the
          // parent put at its place in the chunk's walk, and CHUNK_SPLITS after
          int parent = parentOf[s];
          from[k] = parent < 0 ? ALL : order[parent >> 1] - walks[2 * c] + (parent & 1) * CHUNK_SPLITS;
          // its level's bit plane; the sign bit set when the split before it in the loop is on that level of
          // the same tree
          int at = (treeOf[s] - chunks[c]) * MAX_DEPTH + levelOf[s];
          plane[k] = (part == 0 ? PLANES : TERMINAL_PLANES) + at | (at == previous ? Long.MIN_VALUE : 0);
          previous = at;
          k++;
        }
      }
    }
    walks[2 * chunkCount] = k;
    return new BitSlices(trees, depth, conditions, Arrays.copyOf(walks, 2 * chunkCount + 1),
        Arrays.copyOf(chunks, chunkCount + 1), condition, from, plane);
  }

  /**
   * The leaf numbers of every tree for {@code count} rows (1 to 64) prepared as {@linkplain
   * Slots.Widener#columns columns} (lane {@code l}'s key of row {@code r} at {@code columns[l * 64 + r]}),
   * row {@code r}'s leaves into {@code out[r * trees ..]}.
   */
  void leaves(int[] columns, int count, int[] out, Scratch scratch) {
    walk(columns, count, out, null, null, scratch);
  }

  /**
   * Adds to {@code sums[r]}, for each of {@code count} rows (1 to 64) prepared as {@linkplain
   * Slots.Widener#columns columns}, the value ({@code values[t]} holding tree {@code t}'s, as {@link
   * Forest#byTree} splits them) of the leaf each tree sends it to, in tree order and in float: what {@link
   * Forest#sum} gives row by row. {@code sums} has room for {@code count} rounded up to a multiple of 8.
   */
  void sum(int[] columns, int count, float[][] values, float[] sums, Scratch scratch) {
    walk(columns, count, null, values, sums, scratch);
  }

  /**
   * Walks the block's rows through the forest a chunk of trees at a time, and either writes their leaf
   * numbers into {@code out} or adds their leaves' {@code values} to {@code sums}.
   */
  private void walk(int[] columns, int count, int @Nullable [] out, float @Nullable [][] values,
      float @Nullable [] sums, Scratch scratch) {
    long[] work = conditionMasks(columns, count, scratch.work(MASKS + conditions.count()));
    byte[] bytes = scratch.bytes(BYTES);
    for (int c = 0; c + 1 < chunks.length; c++) {
      int c0 = chunks[c];
      int c1 = chunks[c + 1];
      splits(work, count, c, c1 - c0);
      copyPlanes(work, bytes, c0, c1);
      if (out != null) {
        indices(bytes, c0, c1);
        leaves(bytes, count, c0, c1, out);
      } else if (values != null && sums != null) {
        sum(bytes, count, c0, c1, values, sums);
      }
    }
  }

  /** The leaf numbers of a walked chunk's trees, from their indices in {@code bytes}. */
  private void leaves(byte[] bytes, int count, int c0, int c1, int[] out) {
    int depth = this.depth;
    int trees = this.trees;
    for (int t = c0; t < c1; t++) {
      int at = INDICES + (t - c0) * 64;
      int leaf0 = t << depth;
      for (int r = 0; r < count; r++) {
        out[r * trees + t] = leaf0 + (bytes[at + r] & 0xff);
      }
    }
  }

  /**
   * Adds the leaves of a walked chunk's trees to the rows' sums, eight rows at a time through every tree of
   * the chunk: eight chains of float additions in flight, each in tree order. Each leaf index is worked out
   * from the bit planes where it is added ({@link #planeBits}), eight rows' in a long, a byte each, rather
   * than stored by {@link #indices} and read back (JMH, 256 rows: 43.2 against 43.8 µs a call,
   * alternated); one table lookup a level, shifted ahead of time to the level's bit, rather than a shift
   * and an OR a level after one shared lookup, took 37.6 against 39.7 µs (a timing loop, alternated). The
   * eight indices are taken from two ints, not one long, which spares the compiled code a zero-extension a
   * row.
   */
  private void sum(byte[] bytes, int count, int c0, int c1, float[][] values, float[] sums) {
    boolean six = depth <= 6;
    int unused = MAX_DEPTH - depth;
    for (int r0 = 0; r0 < count; r0 += 8) {
      float s0 = sums[r0];
      float s1 = sums[r0 + 1];
      float s2 = sums[r0 + 2];
      float s3 = sums[r0 + 3];
      float s4 = sums[r0 + 4];
      float s5 = sums[r0 + 5];
      float s6 = sums[r0 + 6];
      float s7 = sums[r0 + 7];
      for (int t = c0, at = r0 >>> 3; t < c1; t++, at += 64) {
        // the eight indices, a byte each (the bits shifted in above the depth are those of levels below it,
        // 0). The tree's own values, a power of two of them, indexed by the leaf index masked with their
        // number less one: the compiled code then checks the bounds once a tree, not once a leaf (256 rows:
        // 51.3 against 53.2 µs a call, alternated)
        long index = planeBits(bytes, at, six) >>> unused;
        int low = (int) index;
        int high = (int) (index >>> 32);
        float[] v = values[t];
        int m = v.length - 1;
        s0 += v[low & m];
        s1 += v[(low >>> 8) & m];
        s2 += v[(low >>> 16) & m];
        s3 += v[(low >>> 24) & m];
        s4 += v[high & m];
        s5 += v[(high >>> 8) & m];
        s6 += v[(high >>> 16) & m];
        s7 += v[(high >>> 24) & m];
      }
      sums[r0] = s0;
      sums[r0 + 1] = s1;
      sums[r0 + 2] = s2;
      sums[r0 + 3] = s3;
      sums[r0 + 4] = s4;
      sums[r0 + 5] = s5;
      sums[r0 + 6] = s6;
      sums[r0 + 7] = s7;
    }
  }

  /**
   * Each real split of chunk {@code c} ({@code trees} trees) divides the rows reaching it ({@code mine}) into
   * its children's ({@code mine & ~cond}, {@code mine & cond}), and the rows going right at a level are ORed
   * into that level's bit plane, kept in a register while the tree's splits stay on one level. The terminal
   * splits, whose children are leaves, come last in a loop of their own that stores no children, and add
   * their rows to planes of their own ({@link #copyPlanes} ORs the two): 971 of the benchmarks' model's
   * 2,310 real splits, and a loop that stores one word a split instead of three (JMH, 256 rows: 40.4
   * against 42.4 µs a call, alternated).
   */
  private void splits(long[] work, int count, int c, int trees) {
    int[] condition = this.condition;
    int[] from = this.from;
    long[] plane = this.plane;
    work[ALL] = count == 64 ? -1L : (1L << count) - 1;
    Arrays.fill(work, PLANES, PLANES + trees * MAX_DEPTH, 0L);
    Arrays.fill(work, TERMINAL_PLANES, TERMINAL_PLANES + trees * MAX_DEPTH, 0L);
    long rights = 0;
    // the children's rows go to work[i] and work[CHUNK_SPLITS + i] for the chunk's i-th split: an index of
    // its own, one address for both stores (2i and 2i + 1 made the compiled loop work out 2i from k, and
    // sign-extend it, at every split: 256 rows 36.4 against 37.4 µs a call in a timing loop, alternated)
    for (int k = walks[2 * c], end = walks[2 * c + 1], at = 0; k < end; k++, at++) {
      long mine = work[from[k]];
      long right = mine & work[condition[k]];
      work[at] = mine ^ right;
      work[at + CHUNK_SPLITS] = right;
      long p = plane[k];
      rights = (rights & (p >> 63)) | right;
      work[(int) p] = rights;
    }
    for (int k = walks[2 * c + 1], end = walks[2 * c + 2]; k < end; k++) {
      long right = work[from[k]] & work[condition[k]];
      long p = plane[k];
      rights = (rights & (p >> 63)) | right;
      work[(int) p] = rights;
    }
  }

  /**
   * The leaf index of every row of the block in every tree of a walked chunk: tree {@code t}'s for row
   * {@code r} into {@code bytes[INDICES + (t - c0) * 64 + r]}, from the bit planes {@link #copyPlanes} put in
   * {@code bytes}, so that a plane's byte for eight rows is one load, spread by a table into the bytes of a
   * long at its level's bit ({@link #planeBits}).
   *
   * <p>Eight rows at a time, the loop is straight-line: it reads six planes when the forest is at most six
   * levels deep (XGBoost's default), else all eight, those below the depth being 0, and the index comes out
   * shifted up by the levels it read beyond the depth. (256 rows, 100 trees of depth 6, alternated: eight
   * planes took 54.2 µs a call, six 51.4; a loop over the levels inside the loop over rows, whose bounds the
   * compiled code set up for every eight rows, 62.3 against 59.7 with eight planes; the levels as the outer
   * loop, the eight groups of rows in registers, no faster than eight planes.)
   */
  private void indices(byte[] bytes, int c0, int c1) {
    boolean six = depth <= 6;
    int unused = MAX_DEPTH - depth;
    long keep = 0x0101010101010101L * (0xff >>> (MAX_DEPTH - depth));
    for (int t = c0; t < c1; t++) {
      int out = INDICES + (t - c0) * 64;
      for (int g = 0, at = (t - c0) * 64; g < 8; g++, at++) {
        LONGS.set(bytes, out + 8 * g, (planeBits(bytes, at, six) >>> unused) & keep);
      }
    }
  }

  /**
   * Eight rows' leaf indices, a byte a row, shifted up by the levels beyond the depth, from the bit planes'
   * bytes at {@code bytes[at]}, 8 apart, the root's plane first: one table lookup a level, ORed ({@link
   * #PLANE_SPREAD}). Six planes when {@code six} (the forest is at most six levels deep, XGBoost's default),
   * else all eight.
   */
  private static long planeBits(byte[] bytes, int at, boolean six) {
    long[] spread = PLANE_SPREAD;
    long index = spread[bytes[at] & 0xff]
        | spread[256 + (bytes[at + 8] & 0xff)]
        | spread[512 + (bytes[at + 16] & 0xff)]
        | spread[768 + (bytes[at + 24] & 0xff)]
        | spread[1024 + (bytes[at + 32] & 0xff)]
        | spread[1280 + (bytes[at + 40] & 0xff)];
    if (six) {
      return index;
    }
    return index | spread[1536 + (bytes[at + 48] & 0xff)] | spread[1792 + (bytes[at + 56] & 0xff)];
  }

  /**
   * Copies the bit planes of trees {@code [c0, c1)} from {@code work} into {@code bytes}, tree {@code t}'s
   * from byte {@code 64 (t - c0)}: each the OR of the planes of the splits with a child and of the terminal
   * ones.
   */
  private static void copyPlanes(long[] work, byte[] bytes, int c0, int c1) {
    for (int i = 0; i < c1 - c0; i++) {
      for (int level = 0; level < MAX_DEPTH; level++) {
        int at = i * MAX_DEPTH + level;
        LONGS.set(bytes, 8 * at, work[PLANES + at] | work[TERMINAL_PLANES + at]);
      }
    }
  }

  /**
   * The work array {@code masks}, its condition masks filled from {@code MASKS}: bit {@code r} of condition
   * {@code c} set when row {@code r} meets it.
   */
  private long[] conditionMasks(int[] columns, int count, long[] masks) {
    // indices below are of conditions, from MASKS
    Conditions conditions = this.conditions;
    Arrays.fill(masks, MASKS, MASKS + conditions.count(), 0L);
    int[] threshold = conditions.threshold;
    int[] buckets = conditions.buckets;
    int[] search = conditions.search;
    int n = Conditions.SEARCH;
    for (int s = 0, slots = conditions.lanes(); s < slots; s++) {
      int step0 = search[s * n];
      if (step0 == 0) {
        continue;
      }
      int start = search[s * n + 1];
      int end = search[s * n + 2];
      int low = search[s * n + 3];
      int shift = search[s * n + 4];
      int first = search[s * n + 5];
      int r = 0;
      for (; r + 8 <= count; r += 8) {
        // eight rows' searches at once: each step waits on the previous one's load
        int at = s * ROWS + r;
        int key0 = columns[at];
        int key1 = columns[at + 1];
        int key2 = columns[at + 2];
        int key3 = columns[at + 3];
        int key4 = columns[at + 4];
        int key5 = columns[at + 5];
        int key6 = columns[at + 6];
        int key7 = columns[at + 7];
        int at0 = buckets[first + ((key0 - low) >>> shift)];
        int at1 = buckets[first + ((key1 - low) >>> shift)];
        int at2 = buckets[first + ((key2 - low) >>> shift)];
        int at3 = buckets[first + ((key3 - low) >>> shift)];
        int at4 = buckets[first + ((key4 - low) >>> shift)];
        int at5 = buckets[first + ((key5 - low) >>> shift)];
        int at6 = buckets[first + ((key6 - low) >>> shift)];
        int at7 = buckets[first + ((key7 - low) >>> shift)];
        // a lane has at least one step (one, mostly: see Conditions), so none is tested before the first; and
        // the rows' bits are one shifted by a constant, not eight shifts by r + j (with both, 256 rows took
        // 35.5 against 36.7 µs a call in a timing loop, alternated)
        int step = step0;
        do {
          at0 += threshold[at0 + step] <= key0 ? step : 0;
          at1 += threshold[at1 + step] <= key1 ? step : 0;
          at2 += threshold[at2 + step] <= key2 ? step : 0;
          at3 += threshold[at3 + step] <= key3 ? step : 0;
          at4 += threshold[at4 + step] <= key4 ? step : 0;
          at5 += threshold[at5 + step] <= key5 ? step : 0;
          at6 += threshold[at6 + step] <= key6 ? step : 0;
          at7 += threshold[at7 + step] <= key7 ? step : 0;
        } while ((step >>= 1) > 0);
        long bit = 1L << r;
        masks[MASKS + at0] |= bit;
        masks[MASKS + at1] |= bit << 1;
        masks[MASKS + at2] |= bit << 2;
        masks[MASKS + at3] |= bit << 3;
        masks[MASKS + at4] |= bit << 4;
        masks[MASKS + at5] |= bit << 5;
        masks[MASKS + at6] |= bit << 6;
        masks[MASKS + at7] |= bit << 7;
      }
      for (; r < count; r++) {
        masks[MASKS + conditions.rank(s, columns[s * ROWS + r])] |= 1L << r;
      }
      // the rows at or above each threshold: ORed down in a register, not through memory (each OR would
      // wait for the store before it)
      long above = masks[MASKS + end];
      for (int c = end - 1; c > start; c--) {
        above |= masks[MASKS + c];
        masks[MASKS + c] = above;
      }
    }
    return masks;
  }

  long memoryBytes() {
    return 64L + 4L * walks.length + 4L * chunks.length + 16L * condition.length;
  }
}
