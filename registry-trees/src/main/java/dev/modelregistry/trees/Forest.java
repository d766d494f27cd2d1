package dev.modelregistry.trees;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The trees of an ensemble laid out for evaluation: which leaf a prepared row reaches in each tree.
 * Immutable and thread-safe.
 *
 * <p>Two layouts, chosen at load:
 *
 * <ul>
 *   <li><b>Perfect</b> (trees up to {@value #MAX_PERFECT_DEPTH} levels deep, padding costing at most
 *       {@value #MAX_PADDING}× the nodes): every tree is padded to a perfect binary tree of the ensemble's
 *       depth {@code D}, stored breadth-first, tree after tree, so the descent is {@code D} steps of {@code
 *       j = 2j - base + (x >= t ? 2 : 1)} on the split's index {@code j} in the whole array ({@code base}
 *       being the tree's root), with no child pointers. A leaf above depth {@code D} gets pass-through
 *       splits below it and its value copied to all the leaves it covers. Each split is one long
 *       (threshold key in the high half, slot in the low) compared whole with the row's value prepared as
 *       a {@link #wide} key: per step, two loads, two bounds checks, one comparison and the index
 *       arithmetic.
 *   <li><b>Nodes</b> (deeper or very unbalanced trees): four ints per split (slot, threshold, left,
 *       right), a child below zero being a leaf.
 * </ul>
 *
 * <p>Values and thresholds are compared as {@link #key}s, ints that order as the floats do (widened to
 * longs for the perfect layout). Neither layout branches on the data: the perfect layout turns each
 * comparison into the next index; the node layout picks one of its two adjacent children with the sign bit
 * of a subtraction.
 *
 * <p>Measured and not kept (JMH, 100 trees of depth 6): two levels per step (a split kept beside its two
 * children, compared at once), 8 descents at once instead of 4, rows blocked slot by slot, a descent
 * unrolled for depth 6, and QuickScorer's bit vectors (in the benchmarks) were all slower or no faster:
 * the descent is bound by the number of instructions per level, not by the latency of its loads.
 *
 * <p>Leaves are numbered {@code tree * leavesPerTree + i} (perfect) or in order of appearance (nodes); the
 * caller keeps their values in that order.
 */
final class Forest {

  static final int MAX_PERFECT_DEPTH = 10;
  static final int MAX_PADDING = 4;

  private final boolean perfect;
  private final int trees;
  private final int depth;
  private final int internalPerTree;
  private final int leavesPerTree;
  private final int[] nodes;
  /** The perfect layout's splits: {@code (long) thresholdKey << 32 | slot}, one load per step. */
  private final long[] packed;
  private final int[] roots;
  /** For each leaf number, the tree and node it came from (tree << 32 | node), to fill leaf values. */
  private final long[] leafOrigin;

  private Forest(boolean perfect, int trees, int depth, int[] nodes, int[] roots, long[] leafOrigin) {
    this.perfect = perfect;
    this.trees = trees;
    this.depth = depth;
    this.internalPerTree = (1 << depth) - 1;
    this.leavesPerTree = 1 << depth;
    this.nodes = perfect ? new int[0] : nodes;
    this.packed = new long[perfect ? nodes.length / 2 : 0];
    for (int i = 0; i < packed.length; i++) {
      packed[i] = ((long) nodes[2 * i + 1] << 32) | nodes[2 * i];
    }
    this.roots = roots;
    this.leafOrigin = leafOrigin;
  }

  /** Lays out {@code trees}, perfect when the depth and the padding allow it, else as nodes. */
  static Forest of(List<Tree> trees) {
    return of(trees, null);
  }

  /**
   * Lays out {@code trees}; {@code perfect} forces a layout (for benchmarks and tests), null chooses.
   *
   * @throws IllegalArgumentException if {@code perfect} is true and the trees are too deep for it
   */
  static Forest of(List<Tree> trees, @Nullable Boolean perfect) {
    int depth = 0;
    long nodeCount = 0;
    for (Tree tree : trees) {
      depth = Math.max(depth, tree.depth());
      nodeCount += tree.size();
    }
    long padded = (long) trees.size() << (depth + 1);
    boolean fits = depth <= MAX_PERFECT_DEPTH;
    boolean choose = perfect != null ? perfect : fits && (depth <= 6 || padded <= MAX_PADDING * nodeCount);
    if (choose && !fits) {
      throw new IllegalArgumentException("trees " + depth + " levels deep are too deep for the perfect layout");
    }
    return choose ? perfect(trees, depth) : nodes(trees);
  }

  private static Forest perfect(List<Tree> trees, int depth) {
    int internal = (1 << depth) - 1;
    int leaves = 1 << depth;
    int[] nodes = new int[trees.size() * internal * 2];
    long[] origin = new long[trees.size() * leaves];
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      // position p of the perfect tree (breadth-first) holds node src[p] of the real tree, or a
      // pass-through under a leaf; its split goes to the pair slot(p) of the tree's block
      int[] src = new int[internal + leaves];
      src[0] = 0;
      for (int p = 0; p < internal + leaves; p++) {
        int node = src[p];
        if (p < internal) {
          int at = (t * internal + p) * 2;
          if (tree.isLeaf(node)) {
            nodes[at] = 0;
            nodes[at + 1] = Integer.MAX_VALUE; // above every key: always left
            src[2 * p + 1] = node;
            src[2 * p + 2] = node;
          } else {
            nodes[at] = tree.slot()[node];
            nodes[at + 1] = key(tree.threshold()[node]);
            src[2 * p + 1] = tree.left()[node];
            src[2 * p + 2] = tree.right()[node];
          }
        } else {
          origin[t * leaves + (p - internal)] = ((long) t << 32) | node;
        }
      }
    }
    return new Forest(true, trees.size(), depth, nodes, new int[0], origin);
  }

  private static Forest nodes(List<Tree> trees) {
    int internalCount = 0;
    int leafCount = 0;
    for (Tree tree : trees) {
      for (int n = 0; n < tree.size(); n++) {
        // only reachable nodes are laid out; count generously, trim below
        if (tree.isLeaf(n)) {
          leafCount++;
        } else {
          internalCount++;
        }
      }
    }
    int[] nodes = new int[internalCount * 4];
    long[] origin = new long[leafCount];
    int[] roots = new int[trees.size()];
    int nextNode = 0;
    int nextLeaf = 0;
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      int[] ref = new int[tree.size()];
      int[] queue = new int[tree.size()];
      int head = 0;
      int tail = 0;
      queue[tail++] = 0;
      while (head < tail) {
        int node = queue[head++];
        if (tree.isLeaf(node)) {
          origin[nextLeaf] = ((long) t << 32) | node;
          ref[node] = ~nextLeaf++;
        } else {
          ref[node] = nextNode++;
          queue[tail++] = tree.left()[node];
          queue[tail++] = tree.right()[node];
        }
      }
      for (int i = 0; i < tail; i++) {
        int node = queue[i];
        if (!tree.isLeaf(node)) {
          int at = ref[node] * 4;
          nodes[at] = tree.slot()[node];
          nodes[at + 1] = key(tree.threshold()[node]);
          nodes[at + 2] = ref[tree.left()[node]];
          nodes[at + 3] = ref[tree.right()[node]];
        }
      }
      roots[t] = ref[0];
    }
    return new Forest(false, trees.size(), 0, java.util.Arrays.copyOf(nodes, nextNode * 4), roots,
        java.util.Arrays.copyOf(origin, nextLeaf));
  }

  int trees() {
    return trees;
  }

  boolean isPerfect() {
    return perfect;
  }

  /** The number of leaf values the caller keeps, in leaf-number order. */
  int leafCount() {
    return leafOrigin.length;
  }

  /** The tree a leaf number belongs to. */
  int leafTree(int leaf) {
    return (int) (leafOrigin[leaf] >>> 32);
  }

  /** The node of its tree a leaf number stands for. */
  int leafNode(int leaf) {
    return (int) leafOrigin[leaf];
  }

  /**
   * The node layout only: the leaf number {@code tree} sends the prepared row at {@code row[offset ..]}
   * (values as {@link #key}s) to. The descent does not branch on the data: the comparison becomes the sign
   * of a long difference, which picks one of the two adjacent children.
   */
  int leaf(int tree, int[] row, int offset) {
    int[] nodes = this.nodes;
    int n = roots[tree];
    while (n >= 0) {
      int at = n << 2;
      n = nodes[at + 2 + right(row[offset + nodes[at]], nodes[at + 1])];
    }
    return ~n;
  }

  /** The node layout only: the leaf numbers of every tree for the row at {@code row[offset ..]}. */
  void leaves(int[] row, int offset, int[] out, int outOffset) {
    for (int t = 0; t < trees; t++) {
      out[outOffset + t] = leaf(t, row, offset);
    }
  }

  /**
   * The node layout only: the leaf numbers of every tree for {@code count} rows, row {@code r} at {@code
   * rows[r * stride ..]}, its leaves into {@code out[outOffset + r * trees ..]}.
   */
  void leaves(int[] rows, int stride, int count, int[] out, int outOffset) {
    for (int r = 0; r < count; r++) {
      leaves(rows, r * stride, out, outOffset + r * trees);
    }
  }

  /**
   * The perfect layout only: the leaf number {@code tree} sends the row at {@code row[offset ..]} to, its
   * values prepared as {@link #wide} keys.
   */
  int leaf(int tree, long[] row, int offset) {
    long[] packed = this.packed;
    int base = tree * internalPerTree;
    int j = base;
    for (int d = depth; d > 0; d--) {
      long split = packed[j];
      j = 2 * j - base + (row[offset + (int) split] >= split ? 2 : 1);
    }
    return j + tree - internalPerTree;
  }

  /**
   * The perfect layout only: the leaf numbers of every tree for the row at {@code row[0 ..]}, prepared as
   * {@link #wide} keys, into {@code out[0 .. trees)}. Four trees descend at once:
   * their paths are independent, so the processor overlaps four chains of dependent loads.
   */
  void leaves(long[] row, int[] out) {
    int internal = internalPerTree;
    int t = 0;
    for (; t + 4 <= trees; t += 4) {
      int b0 = t * internal;
      descend4(row, b0, b0 + internal, b0 + 2 * internal, b0 + 3 * internal, 0, 0, 0, 0, out, t, 1,
          t * leavesPerTree, leavesPerTree);
    }
    for (; t < trees; t++) {
      out[t] = leaf(t, row, 0);
    }
  }

  /**
   * The perfect layout only: the leaf numbers of every tree for {@code count} rows prepared as {@link #wide}
   * keys, row {@code r} at {@code rows[r * stride ..]}, its leaves into {@code out[r * trees ..]}. Tree by
   * tree, four rows at once: one tree's splits stay in the first-level cache while all rows
   * walk it.
   */
  void leaves(long[] rows, int stride, int count, int[] out) {
    int internal = internalPerTree;
    for (int t = 0; t < trees; t++) {
      int base = t * internal;
      int leaf0 = t * leavesPerTree;
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        descend4(rows, base, base, base, base, r * stride, (r + 1) * stride, (r + 2) * stride, (r + 3) * stride,
            out, r * trees + t, trees, leaf0, 0);
      }
      for (; r < count; r++) {
        out[r * trees + t] = leaf(t, rows, r * stride);
      }
    }
  }

  /**
   * The perfect layout only: {@code sum} plus, in tree order and in float, the value ({@code values} by
   * leaf number) of the leaf each tree sends the prepared row at {@code row[0 ..]} to. Four trees descend
   * at once, their chains of dependent loads overlapping, and their leaves are added as each four finish,
   * so the float additions, which must stay in order, overlap the next descents. (The descent is written
   * out here rather than shared with {@link #descend4}, whose leaf numbers go through an array: that
   * measured 5 to 10 % slower.)
   */
  float sum(long[] row, float[] values, float sum) {
    long[] packed = this.packed;
    int internal = internalPerTree;
    int depth = this.depth;
    int t = 0;
    for (; t + 4 <= trees; t += 4) {
      int b0 = t * internal;
      int b1 = b0 + internal;
      int b2 = b1 + internal;
      int b3 = b2 + internal;
      int j0 = b0;
      int j1 = b1;
      int j2 = b2;
      int j3 = b3;
      for (int d = depth; d > 0; d--) {
        long s0 = packed[j0];
        long s1 = packed[j1];
        long s2 = packed[j2];
        long s3 = packed[j3];
        j0 = 2 * j0 - b0 + (row[(int) s0] >= s0 ? 2 : 1);
        j1 = 2 * j1 - b1 + (row[(int) s1] >= s1 ? 2 : 1);
        j2 = 2 * j2 - b2 + (row[(int) s2] >= s2 ? 2 : 1);
        j3 = 2 * j3 - b3 + (row[(int) s3] >= s3 ? 2 : 1);
      }
      int leaf0 = t - internal;
      sum += values[leaf0 + j0];
      sum += values[leaf0 + 1 + j1];
      sum += values[leaf0 + 2 + j2];
      sum += values[leaf0 + 3 + j3];
    }
    for (; t < trees; t++) {
      sum += values[leaf(t, row, 0)];
    }
    return sum;
  }

  /**
   * The perfect layout only: for {@code count} prepared rows, row {@code r} at {@code rows[r * stride ..]},
   * adds to {@code margins[r]} the value of the leaf each tree sends it to, tree by tree, so each row adds
   * its leaves in tree order, in float, as {@link #sum(long[], float[], float)} does. Four rows descend one
   * tree at once: the tree's splits stay in the first-level cache, and the four chains of loads, and the
   * four rows' additions, overlap.
   */
  void sum(long[] rows, int stride, int count, float[] values, float[] margins) {
    long[] packed = this.packed;
    int internal = internalPerTree;
    int depth = this.depth;
    for (int t = 0; t < trees; t++) {
      int base = t * internal;
      int leaf0 = t - internal;
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        int o0 = r * stride;
        int o1 = o0 + stride;
        int o2 = o1 + stride;
        int o3 = o2 + stride;
        int j0 = base;
        int j1 = base;
        int j2 = base;
        int j3 = base;
        for (int d = depth; d > 0; d--) {
          long s0 = packed[j0];
          long s1 = packed[j1];
          long s2 = packed[j2];
          long s3 = packed[j3];
          j0 = 2 * j0 - base + (rows[o0 + (int) s0] >= s0 ? 2 : 1);
          j1 = 2 * j1 - base + (rows[o1 + (int) s1] >= s1 ? 2 : 1);
          j2 = 2 * j2 - base + (rows[o2 + (int) s2] >= s2 ? 2 : 1);
          j3 = 2 * j3 - base + (rows[o3 + (int) s3] >= s3 ? 2 : 1);
        }
        margins[r] += values[leaf0 + j0];
        margins[r + 1] += values[leaf0 + j1];
        margins[r + 2] += values[leaf0 + j2];
        margins[r + 3] += values[leaf0 + j3];
      }
      for (; r < count; r++) {
        margins[r] += values[leaf(t, rows, r * stride)];
      }
    }
  }

  /**
   * Four descents at once in the perfect layout, from the roots at split {@code b0 .. b3} with the prepared
   * rows at {@code o0 .. o3} (four trees of one row, or one tree of four rows): their chains of loads are
   * independent, so the processor overlaps them. Leaf {@code k} goes to {@code out[at + k * step]}, numbered
   * from {@code leaf0 + k * leafStep}.
   */
  private void descend4(long[] rows, int b0, int b1, int b2, int b3, int o0, int o1, int o2, int o3,
      int[] out, int at, int step, int leaf0, int leafStep) {
    long[] packed = this.packed;
    int j0 = b0;
    int j1 = b1;
    int j2 = b2;
    int j3 = b3;
    for (int d = depth; d > 0; d--) {
      long s0 = packed[j0];
      long s1 = packed[j1];
      long s2 = packed[j2];
      long s3 = packed[j3];
      j0 = 2 * j0 - b0 + (rows[o0 + (int) s0] >= s0 ? 2 : 1);
      j1 = 2 * j1 - b1 + (rows[o1 + (int) s1] >= s1 ? 2 : 1);
      j2 = 2 * j2 - b2 + (rows[o2 + (int) s2] >= s2 ? 2 : 1);
      j3 = 2 * j3 - b3 + (rows[o3 + (int) s3] >= s3 ? 2 : 1);
    }
    int internal = internalPerTree;
    out[at] = leaf0 + j0 - b0 - internal;
    out[at + step] = leaf0 + leafStep + j1 - b1 - internal;
    out[at + 2 * step] = leaf0 + 2 * leafStep + j2 - b2 - internal;
    out[at + 3 * step] = leaf0 + 3 * leafStep + j3 - b3 - internal;
  }

  /** 1 if {@code key >= threshold}, else 0, without a branch. */
  private static int right(int key, int threshold) {
    return (int) (~((long) key - threshold) >>> 63);
  }

  /**
   * A float as an int that orders as the float does ({@code a >= b} exactly when {@code key(a) >= key(b)}),
   * for all floats but NaN; -0 is read as +0, which float comparison does not tell apart.
   */
  static int key(float f) {
    int bits = Float.floatToRawIntBits(f + 0.0f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /**
   * A value's {@link #key} widened for the perfect layout's splits ({@code (long) thresholdKey << 32 |
   * slot}): {@code wide(key) >= split} exactly when {@code key >= thresholdKey}, because the low half,
   * all ones, is at least any slot. One comparison of longs then decides a split, without unpacking it.
   */
  static long wide(int key) {
    return ((long) key << 32) | 0xffffffffL;
  }

  long memoryBytes() {
    return 64L + 4L * nodes.length + 8L * packed.length + 4L * roots.length + 8L * leafOrigin.length;
  }
}
