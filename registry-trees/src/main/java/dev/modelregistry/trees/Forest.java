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
 *       depth {@code D}, stored breadth-first, so the descent is {@code D} steps of {@code i = 2i + 1 +
 *       (x >= t)} with no child pointers. A leaf above depth {@code D} gets pass-through splits below it
 *       and its value copied to all the leaves it covers. Each split is one long (threshold key in the high
 *       half, slot in the low): one load and one bounds check per step.
 *   <li><b>Nodes</b> (deeper or very unbalanced trees): four ints per split (slot, threshold, left,
 *       right), a child below zero being a leaf.
 * </ul>
 *
 * <p>Values and thresholds are compared as {@link #key}s, ints that order as the floats do. The perfect
 * layout turns each comparison into the next index ({@code 2i + (x >= t ? 2 : 1)}); the node layout picks
 * one of its two adjacent children with the sign bit of a subtraction.
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
      packed[i] = ((long) nodes[2 * i + 1] << 32) | (nodes[2 * i] & 0xffffffffL);
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
      // position p of the perfect tree holds node src[p] of the real tree, or a pass-through under a leaf
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
   * The leaf number {@code tree} sends the prepared row at {@code row[offset ..]} (values as {@link #key}s) to.
   * Both layouts descend without a branch on the data: the comparison becomes the sign of a long difference.
   */
  int leaf(int tree, int[] row, int offset) {
    if (perfect) {
      long[] packed = this.packed;
      int base = tree * internalPerTree;
      int i = 0;
      for (int d = depth; d > 0; d--) {
        long split = packed[base + i];
        i = 2 * i + (row[offset + (int) split] >= (int) (split >> 32) ? 2 : 1);
      }
      return tree * leavesPerTree + i - internalPerTree;
    }
    int[] nodes = this.nodes;
    int n = roots[tree];
    while (n >= 0) {
      int at = n << 2;
      n = nodes[at + 2 + right(row[offset + nodes[at]], nodes[at + 1])];
    }
    return ~n;
  }

  /**
   * The perfect layout only: the leaf number {@code tree} sends the row at {@code row[offset ..]} to, its
   * values prepared as {@link #wide} keys.
   */
  int leaf(int tree, long[] row, int offset) {
    long[] packed = this.packed;
    int base = tree * internalPerTree;
    int i = 0;
    for (int d = depth; d > 0; d--) {
      long split = packed[base + i];
      i = 2 * i + (row[offset + (int) split] >= split ? 2 : 1);
    }
    return tree * leavesPerTree + i - internalPerTree;
  }

  /**
   * The leaf numbers of every tree for the prepared row at {@code row[offset ..]}, into {@code
   * out[outOffset .. outOffset + trees)}. The perfect layout descends four trees at once: their paths are
   * independent, so the processor overlaps four chains of dependent loads instead of waiting on one.
   */
  void leaves(int[] row, int offset, int[] out, int outOffset) {
    if (!perfect) {
      for (int t = 0; t < trees; t++) {
        out[outOffset + t] = leaf(t, row, offset);
      }
      return;
    }
    int internal = internalPerTree;
    int leavesPer = leavesPerTree;
    int t = 0;
    for (; t + 4 <= trees; t += 4) {
      int b0 = t * internal;
      descend4(row, b0, b0 + internal, b0 + 2 * internal, b0 + 3 * internal, offset, offset, offset, offset,
          out, outOffset + t, 1, t * leavesPer - internal, leavesPer);
    }
    for (; t < trees; t++) {
      out[outOffset + t] = leaf(t, row, offset);
    }
  }

  /**
   * The leaf numbers of every tree for {@code count} prepared rows, row {@code r} at {@code rows[r *
   * stride ..]}, its leaves into {@code out[outOffset + r * trees ..]}. Tree by tree, four rows at once in
   * the perfect layout: one tree's splits stay in the first-level cache while all rows walk it.
   */
  void leaves(int[] rows, int stride, int count, int[] out, int outOffset) {
    if (!perfect) {
      for (int r = 0; r < count; r++) {
        leaves(rows, r * stride, out, outOffset + r * trees);
      }
      return;
    }
    int internal = internalPerTree;
    int leavesPer = leavesPerTree;
    for (int t = 0; t < trees; t++) {
      int base = t * internal;
      int leaf0 = t * leavesPer - internal;
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        int o0 = r * stride;
        descend4(rows, base, base, base, base, o0, o0 + stride, o0 + 2 * stride, o0 + 3 * stride,
            out, outOffset + r * trees + t, trees, leaf0, 0);
      }
      for (; r < count; r++) {
        out[outOffset + r * trees + t] = leaf(t, rows, r * stride);
      }
    }
  }

  /**
   * The perfect layout only: {@code sum} plus, in tree order and in float, the value ({@code values} by
   * leaf number) of the leaf each tree sends the prepared row at {@code row[0 ..]} to. Four trees descend
   * at once, their chains of dependent loads overlapping, and their leaves are added as each four finish,
   * so the float additions, which must stay in order, overlap the next descents.
   */
  float sum(long[] row, float[] values, float sum) {
    long[] packed = this.packed;
    int internal = internalPerTree;
    int leavesPer = leavesPerTree;
    int depth = this.depth;
    int t = 0;
    for (; t + 4 <= trees; t += 4) {
      int b0 = t * internal;
      int b1 = b0 + 1 * internal;
      int b2 = b0 + 2 * internal;
      int b3 = b0 + 3 * internal;
      int i0 = 0;
      int i1 = 0;
      int i2 = 0;
      int i3 = 0;
      for (int d = depth; d > 0; d--) {
        long s0 = packed[b0 + i0];
        long s1 = packed[b1 + i1];
        long s2 = packed[b2 + i2];
        long s3 = packed[b3 + i3];
        i0 = 2 * i0 + (row[(int) s0] >= s0 ? 2 : 1);
        i1 = 2 * i1 + (row[(int) s1] >= s1 ? 2 : 1);
        i2 = 2 * i2 + (row[(int) s2] >= s2 ? 2 : 1);
        i3 = 2 * i3 + (row[(int) s3] >= s3 ? 2 : 1);
      }
      int leaf0 = t * leavesPer - internal;
      sum += values[leaf0 + i0];
      sum += values[leaf0 + 1 * leavesPer + i1];
      sum += values[leaf0 + 2 * leavesPer + i2];
      sum += values[leaf0 + 3 * leavesPer + i3];
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
    int leavesPer = leavesPerTree;
    int depth = this.depth;
    for (int t = 0; t < trees; t++) {
      int base = t * internal;
      int leaf0 = t * leavesPer - internal;
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        int o0 = r * stride;
        int o1 = o0 + 1 * stride;
        int o2 = o0 + 2 * stride;
        int o3 = o0 + 3 * stride;
        int i0 = 0;
        int i1 = 0;
        int i2 = 0;
        int i3 = 0;
        for (int d = depth; d > 0; d--) {
          long s0 = packed[base + i0];
          long s1 = packed[base + i1];
          long s2 = packed[base + i2];
          long s3 = packed[base + i3];
          i0 = 2 * i0 + (rows[o0 + (int) s0] >= s0 ? 2 : 1);
          i1 = 2 * i1 + (rows[o1 + (int) s1] >= s1 ? 2 : 1);
          i2 = 2 * i2 + (rows[o2 + (int) s2] >= s2 ? 2 : 1);
          i3 = 2 * i3 + (rows[o3 + (int) s3] >= s3 ? 2 : 1);
        }
        margins[r] += values[leaf0 + i0];
        margins[r + 1] += values[leaf0 + i1];
        margins[r + 2] += values[leaf0 + i2];
        margins[r + 3] += values[leaf0 + i3];
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
  private void descend4(int[] rows, int b0, int b1, int b2, int b3, int o0, int o1, int o2, int o3,
      int[] out, int at, int step, int leaf0, int leafStep) {
    long[] packed = this.packed;
    int i0 = 0;
    int i1 = 0;
    int i2 = 0;
    int i3 = 0;
    for (int d = depth; d > 0; d--) {
      long s0 = packed[b0 + i0];
      long s1 = packed[b1 + i1];
      long s2 = packed[b2 + i2];
      long s3 = packed[b3 + i3];
      i0 = 2 * i0 + (rows[o0 + (int) s0] >= (int) (s0 >> 32) ? 2 : 1);
      i1 = 2 * i1 + (rows[o1 + (int) s1] >= (int) (s1 >> 32) ? 2 : 1);
      i2 = 2 * i2 + (rows[o2 + (int) s2] >= (int) (s2 >> 32) ? 2 : 1);
      i3 = 2 * i3 + (rows[o3 + (int) s3] >= (int) (s3 >> 32) ? 2 : 1);
    }
    out[at] = leaf0 + i0;
    out[at + step] = leaf0 + leafStep + i1;
    out[at + 2 * step] = leaf0 + 2 * leafStep + i2;
    out[at + 3 * step] = leaf0 + 3 * leafStep + i3;
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
