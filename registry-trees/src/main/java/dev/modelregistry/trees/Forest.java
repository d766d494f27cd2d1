package dev.modelregistry.trees;

import java.util.List;

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
 *       (x >= t)} with no branch on the data and no child pointers. A leaf above depth {@code D} gets
 *       pass-through splits below it and its value copied to all the leaves it covers. Each split is two
 *       adjacent ints (slot, threshold bits): one cache line serves both loads.
 *   <li><b>Nodes</b> (deeper or very unbalanced trees): four ints per split (slot, threshold bits, left,
 *       right), a child below zero being a leaf.
 * </ul>
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
  private final int[] roots;
  /** For each leaf number, the tree and node it came from (tree << 32 | node), to fill leaf values. */
  private final long[] leafOrigin;

  private Forest(boolean perfect, int trees, int depth, int[] nodes, int[] roots, long[] leafOrigin) {
    this.perfect = perfect;
    this.trees = trees;
    this.depth = depth;
    this.internalPerTree = (1 << depth) - 1;
    this.leavesPerTree = 1 << depth;
    this.nodes = nodes;
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
  static Forest of(List<Tree> trees, Boolean perfect) {
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
            nodes[at + 1] = Float.floatToRawIntBits(Float.NaN); // x >= NaN is false: always left
            src[2 * p + 1] = node;
            src[2 * p + 2] = node;
          } else {
            nodes[at] = tree.slot()[node];
            nodes[at + 1] = Float.floatToRawIntBits(tree.threshold()[node]);
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
          nodes[at + 1] = Float.floatToRawIntBits(tree.threshold()[node]);
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

  /** The leaf number {@code tree} sends the prepared row at {@code row[offset ..]} to. */
  int leaf(int tree, float[] row, int offset) {
    if (perfect) {
      int[] nodes = this.nodes;
      int base = tree * internalPerTree;
      int i = 0;
      for (int d = depth; d > 0; d--) {
        int at = (base + i) << 1;
        float x = row[offset + nodes[at]];
        i = 2 * i + (x >= Float.intBitsToFloat(nodes[at + 1]) ? 2 : 1);
      }
      return tree * leavesPerTree + i - internalPerTree;
    }
    int[] nodes = this.nodes;
    int n = roots[tree];
    while (n >= 0) {
      int at = n << 2;
      n = row[offset + nodes[at]] >= Float.intBitsToFloat(nodes[at + 1]) ? nodes[at + 3] : nodes[at + 2];
    }
    return ~n;
  }

  long memoryBytes() {
    return 64L + 4L * nodes.length + 4L * roots.length + 8L * leafOrigin.length;
  }
}
