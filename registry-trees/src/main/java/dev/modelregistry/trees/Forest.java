package dev.modelregistry.trees;

import java.util.Arrays;
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
 *       depth {@code D}, and the whole forest is stored as one implicit binary tree, level by level: tree
 *       {@code t}'s root at index {@code trees + t}, and the children of the split at {@code b} at {@code 2b}
 *       (left) and {@code 2b + 1} (right), whatever the tree. (Level {@code L} of all trees is the block
 *       {@code [trees·2^L, trees·2^(L+1))}; the first {@code trees} entries are unused.) A descent is so
 *       {@code D} steps of {@code b = 2b + (x >= threshold ? 1 : 0)}, with no child pointers and no per-tree base
 *       to keep in a register, which lets seven descents run at once without the compiled code spilling.
 *       A leaf above depth {@code D} gets pass-through splits below it and its value copied to all the
 *       leaves it covers. Each split is one long, its threshold key in the high half and its {@linkplain
 *       Lanes lane} in the low one, and the row is prepared as one {@link #wide} key per lane, so that the
 *       sign of {@code split - wide} is the step: per step, two loads, two bounds checks, a 32-bit move, a
 *       subtraction, a shift and the index arithmetic. (A comparison and a conditional move took two
 *       instructions more a step, and the descent 10% longer; a 24-bit slot field below the threshold,
 *       which needed no lanes, took a mask more, and the one-row call about 3% longer.)
 *   <li><b>Nodes</b> (deeper or very unbalanced trees): four ints per split (slot, threshold, left,
 *       right), a child below zero being a leaf.
 * </ul>
 *
 * <p>Values and thresholds are compared as {@link #key}s, ints that order as the floats do (widened to
 * longs for the perfect layout). Neither layout branches on the data: both take the sign bit of a
 * subtraction, the perfect layout as the next index's low bit, the node layout to pick one of its two
 * adjacent children.
 *
 * <p>Measured and not kept (JMH, 100 trees of depth 6): two levels per step (a split kept beside its two
 * children, compared at once), rows blocked slot by slot or walked tree by tree four at once, a descent
 * unrolled for depth 6, and QuickScorer's bit vectors for one row (in the benchmarks) were all slower or no
 * faster. QuickScorer's masks worked out ahead for every rank of a row's keys were faster (316 against 457
 * ns when they came; 279 against 449 in a later run), and single rows of forests at most 6 levels deep go
 * through them ({@link LeafMasks}) when they fit. Reading the compiled code showed why the earlier layout
 * (tree after tree, child {@code 2j - base + 1}) stalled: a base per tree and the bounds-checked lengths
 * left too few registers, so the compiler spilled and each level took about 17 instructions. {@code
 * sun.misc.Unsafe} loads without bounds checks, tried on this layout, were about 5% faster: not worth
 * unchecked reads at indices that come from a model file.
 *
 * <p>Blocks of rows are walked all at once by the {@link BitSlices} instead, when the forest is at most
 * {@value BitSlices#MAX_DEPTH} levels deep.
 *
 * <p>Leaves are numbered {@code tree * 2^depth + i} (perfect) or in order of appearance (nodes); the
 * caller keeps their values in that order.
 */
final class Forest {

  static final int MAX_PERFECT_DEPTH = 10;
  static final int MAX_PADDING = 4;
  /**
   * The widest a lane's range of threshold keys may be ({@code highest - lowest}), so that no step's
   * subtraction overflows (see {@link #right(long, long)}).
   */
  static final long MAX_SPAN = Integer.MAX_VALUE - 1L;
  /** The threshold key of a pass-through split: above every row's key, so every row goes left. */
  static final int PASS_THROUGH = Integer.MAX_VALUE;

  private final boolean perfect;
  private final int trees;
  private final int depth;
  private final int[] nodes;
  /**
   * The perfect layout's splits, {@code (long) thresholdKey << 32 | lane}, one load per step: level by level,
   * from index {@code trees} (see the class comment).
   */
  private final long[] packed;
  /** The perfect layout's lanes: the slot each reads, and the range its keys are clamped to. */
  private final int[] laneSlot;
  private final int[] laneLow;
  private final int[] laneHigh;
  private final int[] roots;
  /** For each leaf number, the tree and node it came from (tree << 32 | node), to fill leaf values. */
  private final long[] leafOrigin;
  /** The perfect layout walked by blocks of rows at once, when it is at most 8 levels deep. */
  private final @Nullable BitSlices slices;
  /** The perfect layout's distinct thresholds, lane by lane, as the slices and the masks search them. */
  private final @Nullable Conditions conditions;
  /** The perfect layout's single rows through leaf masks, when it is at most 6 levels deep and they fit. */
  private final @Nullable LeafMasks masks;

  private Forest(boolean perfect, int trees, int depth, int[] nodes, int[] roots, long[] leafOrigin, int[][] lanes,
      Masks masks) {
    this.perfect = perfect;
    this.trees = trees;
    this.depth = depth;
    this.nodes = perfect ? new int[0] : nodes;
    this.packed = new long[perfect ? trees + nodes.length / 2 : 0];
    for (int i = 0; perfect && i < nodes.length / 2; i++) {
      packed[trees + i] = split(nodes[2 * i + 1], nodes[2 * i]);
    }
    this.laneSlot = lanes[0];
    this.laneLow = lanes[1];
    this.laneHigh = lanes[2];
    this.roots = roots;
    this.leafOrigin = leafOrigin;
    if (masks == Masks.ALWAYS && depth > LeafMasks.MAX_DEPTH) {
      throw new IllegalArgumentException(trees + " trees " + depth + " levels deep cannot be laid out as leaf masks:"
          + " at most " + LeafMasks.MAX_DEPTH + " levels");
    }
    // searched only by the slices (up to 8 levels) and the masks (up to 6)
    Conditions conditions = perfect && depth <= BitSlices.MAX_DEPTH ? Conditions.of(packed, trees, laneLow, laneHigh)
        : null;
    this.conditions = conditions;
    this.slices = BitSlices.of(packed, trees, depth, conditions);
    this.masks = masks == Masks.NONE ? null : LeafMasks.of(packed, trees, depth, conditions, masks == Masks.ALWAYS);
  }

  /** Whether a perfect forest's single rows go through {@link LeafMasks}. */
  private enum Masks {
    NONE,
    /** When they take at most {@link LeafMasks#MAX_BYTES}. */
    FITTING,
    ALWAYS
  }

  /** Lays out {@code trees} as {@link TreeEnsembles.Layout#AUTO} does. */
  static Forest of(List<Tree> trees) {
    return of(trees, TreeEnsembles.Layout.AUTO);
  }

  /** Lays out {@code trees} perfect (descending single rows) or as nodes: for tests. */
  static Forest of(List<Tree> trees, boolean perfect) {
    return of(trees, perfect ? TreeEnsembles.Layout.PERFECT : TreeEnsembles.Layout.NODES);
  }

  /**
   * Lays out {@code trees} as {@code layout} says (see {@link TreeEnsembles.Layout}).
   *
   * @throws IllegalArgumentException if the layout is forced and the trees are too deep for it
   */
  static Forest of(List<Tree> trees, TreeEnsembles.Layout layout) {
    Boolean perfect = switch (layout) {
      case AUTO -> null;
      case PERFECT, MASKS -> Boolean.TRUE;
      case NODES -> Boolean.FALSE;
    };
    Masks masks = switch (layout) {
      case AUTO -> Masks.FITTING;
      case MASKS -> Masks.ALWAYS;
      case PERFECT, NODES -> Masks.NONE;
    };
    int depth = 0;
    long nodeCount = 0;
    int slots = 0;
    for (Tree tree : trees) {
      depth = Math.max(depth, tree.depth());
      nodeCount += tree.size();
      for (int slot : tree.slot()) {
        slots = Math.max(slots, slot + 1);
      }
    }
    long padded = (long) trees.size() << (depth + 1);
    // every array of the perfect layout has fewer than trees * 2^(depth + 1) entries, and its lanes (at
    // most two a slot, and one more) are counted in an int
    boolean fits = depth <= MAX_PERFECT_DEPTH && padded < Integer.MAX_VALUE - 8 && slots < 1 << 29;
    boolean choose = perfect != null ? perfect : fits && (depth <= 6 || padded <= MAX_PADDING * nodeCount);
    if (choose && !fits) {
      throw new IllegalArgumentException(trees.size() + " trees " + depth + " levels deep on " + slots + " slots are"
          + " too many or too deep for the perfect layout");
    }
    return choose ? perfect(trees, depth, masks) : nodes(trees);
  }

  private static Forest perfect(List<Tree> trees, int depth, Masks masks) {
    int internal = (1 << depth) - 1;
    int leaves = 1 << depth;
    Lanes lanes = Lanes.of(trees);
    int[] nodes = new int[trees.size() * internal * 2];
    long[] origin = new long[trees.size() * leaves];
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      // position p of the perfect tree (breadth-first) holds node src[p] of the real tree, or a
      // pass-through under a leaf; its split goes to its level's block (made an index from 0 here: the
      // constructor shifts every split by the number of trees)
      int[] src = new int[internal + leaves];
      src[0] = 0;
      for (int p = 0; p < internal + leaves; p++) {
        int node = src[p];
        if (p < internal) {
          int level = 31 - Integer.numberOfLeadingZeros(p + 1);
          int at = ((trees.size() + t << level) + p + 1 - (1 << level) - trees.size()) * 2;
          if (tree.isLeaf(node)) {
            nodes[at] = lanes.passThrough;
            nodes[at + 1] = PASS_THROUGH;
            src[2 * p + 1] = node;
            src[2 * p + 2] = node;
          } else {
            int threshold = key(tree.threshold()[node]);
            nodes[at] = lanes.of(tree.slot()[node], threshold);
            nodes[at + 1] = threshold;
            src[2 * p + 1] = tree.left()[node];
            src[2 * p + 2] = tree.right()[node];
          }
        } else {
          origin[t * leaves + (p - internal)] = ((long) t << 32) | node;
        }
      }
    }
    return new Forest(true, trees.size(), depth, nodes, new int[0], origin,
        new int[][] {lanes.slot, lanes.low, lanes.high}, masks);
  }

  /**
   * The perfect layout's lanes: what a row's {@link #wide} keys are, one per lane. A lane reads one slot
   * and clamps its key to the lane's thresholds' range less one below ({@code [lowest - 1, highest]}), which
   * changes no comparison with them, so that a step's subtraction cannot overflow: every lane's thresholds
   * span at most {@link #MAX_SPAN}. A slot whose thresholds span more gets two lanes, one for its negative
   * threshold keys and one for the others (each half of the key range spans less). The last lane is the
   * pass-through splits': its key is always {@code PASS_THROUGH - 1}.
   */
  private static final class Lanes {
    final int[] slot;
    final int[] low;
    final int[] high;
    final int passThrough;
    /** Per slot, its lane, or its two lanes (negative keys, then the others) as {@code ~first}; -1 if unread. */
    private final int[] of;

    private Lanes(int[] slot, int[] low, int[] high, int[] of) {
      this.slot = slot;
      this.low = low;
      this.high = high;
      this.passThrough = slot.length - 1;
      this.of = of;
    }

    static Lanes of(List<Tree> trees) {
      int slots = 0;
      for (Tree tree : trees) {
        for (int s : tree.slot()) {
          slots = Math.max(slots, s + 1);
        }
      }
      // per slot, the lowest and highest key of its negative thresholds, then of its others
      int[] range = new int[slots * 4];
      for (int s = 0; s < slots; s++) {
        range[4 * s] = range[4 * s + 2] = Integer.MAX_VALUE;
        range[4 * s + 1] = range[4 * s + 3] = Integer.MIN_VALUE;
      }
      for (Tree tree : trees) {
        // only the splits a row can reach: a file may keep others, which are not checked when read (a NaN
        // threshold there would make a key no lane can hold)
        int[] stack = new int[tree.size()];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
          int n = stack[--top];
          if (!tree.isLeaf(n)) {
            int key = key(tree.threshold()[n]);
            int at = 4 * tree.slot()[n] + (key < 0 ? 0 : 2);
            range[at] = Math.min(range[at], key);
            range[at + 1] = Math.max(range[at + 1], key);
            stack[top++] = tree.left()[n];
            stack[top++] = tree.right()[n];
          }
        }
      }
      int[] slot = new int[2 * slots + 1];
      int[] low = new int[2 * slots + 1];
      int[] high = new int[2 * slots + 1];
      int[] of = new int[slots];
      int lanes = 0;
      for (int s = 0; s < slots; s++) {
        int lowest = Math.min(range[4 * s], range[4 * s + 2]);
        int highest = Math.max(range[4 * s + 1], range[4 * s + 3]);
        if (lowest > highest) {
          of[s] = -1;
        } else if ((long) highest - lowest <= MAX_SPAN) {
          of[s] = lanes;
          lanes = add(slot, low, high, lanes, s, lowest, highest);
        } else {
          of[s] = ~lanes;
          lanes = add(slot, low, high, lanes, s, range[4 * s], range[4 * s + 1]);
          lanes = add(slot, low, high, lanes, s, range[4 * s + 2], range[4 * s + 3]);
        }
      }
      // the pass-through lane: a constant, one key below PASS_THROUGH (its slot is not read)
      slot[lanes] = 0;
      low[lanes] = PASS_THROUGH - 1;
      high[lanes] = PASS_THROUGH - 1;
      lanes++;
      return new Lanes(Arrays.copyOf(slot, lanes), Arrays.copyOf(low, lanes), Arrays.copyOf(high, lanes), of);
    }

    private static int add(int[] slot, int[] low, int[] high, int lane, int s, int lowest, int highest) {
      if ((long) highest - lowest > MAX_SPAN || lowest == Integer.MIN_VALUE) {
        throw new IllegalStateException("the thresholds of slot " + s + " span too many keys for one lane");
      }
      slot[lane] = s;
      low[lane] = lowest - 1;
      high[lane] = highest;
      return lane + 1;
    }

    /** The lane a split on {@code slot} at {@code thresholdKey} reads. */
    int of(int s, int thresholdKey) {
      int lane = of[s];
      return lane >= 0 ? lane : ~lane + (thresholdKey < 0 ? 0 : 1);
    }
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
    return new Forest(false, trees.size(), 0, Arrays.copyOf(nodes, nextNode * 4), roots,
        Arrays.copyOf(origin, nextLeaf), new int[][] {new int[0], new int[0], new int[0]}, Masks.NONE);
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
  private int leaf(int tree, long[] row, int offset) {
    long[] packed = this.packed;
    int b = trees + tree;
    for (int d = depth; d > 0; d--) {
      long split = packed[b];
      b = 2 * b + right(split, row[offset + lane(split)]);
    }
    return b - (trees << depth);
  }

  /**
   * The perfect layout only: the leaf numbers of every tree for the row at {@code row[offset ..]}, prepared
   * as {@link #wide} keys, into {@code out[outOffset .. + trees)}. Four trees descend at once: their paths
   * are independent, so the processor overlaps four chains of dependent loads.
   */
  void leaves(long[] row, int offset, int[] out, int outOffset) {
    long[] packed = this.packed;
    int depth = this.depth;
    int leaf0 = trees << depth;
    int t = 0;
    for (; t + 4 <= trees; t += 4) {
      int b0 = trees + t;
      int b1 = b0 + 1;
      int b2 = b0 + 2;
      int b3 = b0 + 3;
      for (int d = depth; d > 0; d--) {
        long s0 = packed[b0];
        b0 = 2 * b0 + right(s0, row[offset + lane(s0)]);
        long s1 = packed[b1];
        b1 = 2 * b1 + right(s1, row[offset + lane(s1)]);
        long s2 = packed[b2];
        b2 = 2 * b2 + right(s2, row[offset + lane(s2)]);
        long s3 = packed[b3];
        b3 = 2 * b3 + right(s3, row[offset + lane(s3)]);
      }
      out[outOffset + t] = b0 - leaf0;
      out[outOffset + t + 1] = b1 - leaf0;
      out[outOffset + t + 2] = b2 - leaf0;
      out[outOffset + t + 3] = b3 - leaf0;
    }
    for (; t < trees; t++) {
      out[outOffset + t] = leaf(t, row, offset);
    }
  }

  /**
   * The perfect layout only: the leaf numbers of every tree for one row prepared as {@link #wide} keys at
   * {@code row[0 ..]}, into {@code out[outOffset .. + trees)}, through the {@link LeafMasks} when the forest
   * has them, else by descent.
   */
  void leaves(long[] row, int[] out, int outOffset, Scratch scratch) {
    LeafMasks masks = this.masks;
    if (masks != null) {
      masks.leaves(row, out, outOffset, scratch);
    } else {
      leaves(row, 0, out, outOffset);
    }
  }

  /**
   * The perfect layout only: {@code sum} plus, in tree order and in float, the value ({@code values} by
   * leaf number) of the leaf each tree sends the row prepared as {@link #wide} keys at {@code row[0 ..]} to,
   * through the {@link LeafMasks} when the forest has them, else by descent.
   */
  float sum(long[] row, float[] values, float sum, Scratch scratch) {
    LeafMasks masks = this.masks;
    return masks != null ? masks.sum(row, values, sum, scratch) : sum(row, values, sum);
  }

  /** The layout, in words, for descriptions. */
  String layout() {
    return !perfect ? "node layout" : masks != null ? "perfect layout, leaf masks" : "perfect layout";
  }

  /** Whether single rows go through {@link LeafMasks} rather than descend. */
  boolean masked() {
    return masks != null;
  }

  /** Whether {@link #leaves(long[], int, int, int[])} walks blocks of rows at once, bit-sliced. */
  boolean sliced() {
    return slices != null;
  }

  /**
   * The perfect layout, when {@link #sliced()}: the leaf numbers of every tree for {@code count} rows (1 to
   * 64) prepared as {@linkplain Slots.Widener#columns columns}, row {@code r}'s leaves into {@code out[r *
   * trees ..]}, all rows at once through the {@link BitSlices}.
   *
   * @throws IllegalStateException if the forest is not sliced
   */
  void leaves(int[] columns, int count, int[] out, Scratch scratch) {
    slices().leaves(columns, count, out, scratch);
  }

  /**
   * The perfect layout, when {@link #sliced()}: adds to {@code sums[r]} the values ({@code values[t]} holding
   * tree {@code t}'s: see {@link #byTree}) of the leaves every tree sends row {@code r} of {@code count} (1 to
   * 64) to, in tree order and
   * in float, rows prepared as {@linkplain Slots.Widener#columns columns}, all rows at once through the
   * {@link BitSlices}: what {@link #sum} gives row by row. {@code sums} has room for {@code count}
   * rounded up to a multiple of 8.
   *
   * @throws IllegalStateException if the forest is not sliced
   */
  void sum(int[] columns, int count, float[][] values, float[] sums, Scratch scratch) {
    slices().sum(columns, count, values, sums, scratch);
  }

  /**
   * The perfect layout only: leaf values by leaf number ({@code values}) split tree by tree, each tree's
   * {@code 2^depth} values in an array of their own, as the {@link BitSlices} read them.
   */
  float[][] byTree(float[] values) {
    float[][] byTree = new float[trees][];
    for (int t = 0; t < trees; t++) {
      byTree[t] = Arrays.copyOfRange(values, t << depth, (t + 1) << depth);
    }
    return byTree;
  }

  private BitSlices slices() {
    BitSlices slices = this.slices;
    if (slices == null) {
      throw new IllegalStateException("the forest is not sliced: walk its rows one by one");
    }
    return slices;
  }

  /**
   * The perfect layout only: {@code sum} plus, in tree order and in float, the value ({@code values} by
   * leaf number) of the leaf each tree sends the prepared row at {@code row[0 ..]} to.
   *
   * <p>Seven trees descend at once, each step written right after its load so that the compiled loop keeps
   * every index in a register: the processor overlaps the seven chains of dependent loads (each step waits
   * on two loads, about 14 cycles, so one chain alone would leave it idle). Their leaves are added as each
   * seven finish, in order, overlapping the next descents. With the step as a subtraction's sign, seven ran
   * at 494–527 ns a row in ten forks, six at 518–564 and eight at 519–530, alternated in one session
   * (JMH, 100 trees of depth 6). With the earlier step (a comparison and a conditional move), five and
   * seven varied by up to 20% from one JVM to the next, with where the compiler placed the loop, and six
   * was kept.
   */
  float sum(long[] row, float[] values, float sum) {
    long[] packed = this.packed;
    int depth = this.depth;
    int leaf0 = trees << depth;
    int t = 0;
    for (; t + 7 <= trees; t += 7) {
      int b0 = trees + t;
      int b1 = b0 + 1;
      int b2 = b0 + 2;
      int b3 = b0 + 3;
      int b4 = b0 + 4;
      int b5 = b0 + 5;
      int b6 = b0 + 6;
      for (int d = depth; d > 0; d--) {
        long s0 = packed[b0];
        b0 = 2 * b0 + right(s0, row[lane(s0)]);
        long s1 = packed[b1];
        b1 = 2 * b1 + right(s1, row[lane(s1)]);
        long s2 = packed[b2];
        b2 = 2 * b2 + right(s2, row[lane(s2)]);
        long s3 = packed[b3];
        b3 = 2 * b3 + right(s3, row[lane(s3)]);
        long s4 = packed[b4];
        b4 = 2 * b4 + right(s4, row[lane(s4)]);
        long s5 = packed[b5];
        b5 = 2 * b5 + right(s5, row[lane(s5)]);
        long s6 = packed[b6];
        b6 = 2 * b6 + right(s6, row[lane(s6)]);
      }
      sum += values[b0 - leaf0];
      sum += values[b1 - leaf0];
      sum += values[b2 - leaf0];
      sum += values[b3 - leaf0];
      sum += values[b4 - leaf0];
      sum += values[b5 - leaf0];
      sum += values[b6 - leaf0];
    }
    for (; t < trees; t++) {
      sum += values[leaf(t, row, 0)];
    }
    return sum;
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

  /** The number of lanes of a row prepared for the perfect layout: what a {@link #widener} writes. */
  int lanes() {
    return laneSlot.length;
  }

  /**
   * The perfect layout only: what prepares a row, read through {@code slots}, as the {@link #wide} keys of
   * its lanes ({@link #lanes()} of them).
   */
  Slots.Widener widener(Slots slots) {
    return slots.widener(laneSlot, laneLow, laneHigh);
  }

  /** A perfect-layout split: its threshold key in the high half, its lane in the low one. */
  static long split(int thresholdKey, int lane) {
    return (long) thresholdKey << 32 | (lane & 0xffffffffL);
  }

  /**
   * A lane's (clamped) key widened for the perfect layout's splits: the key in the high half, the low half
   * all ones, above any lane. So {@code split - wide(key)} is negative exactly when {@code key >=
   * thresholdKey}: the keys' difference {@code k} makes it {@code k · 2^32 + lane - (2^32 - 1)}, positive
   * for {@code k >= 1} and negative for {@code k <= 0}, and it does not overflow while {@code |k| < 2^31},
   * which the lanes' clamping ensures.
   */
  static long wide(int key) {
    return (long) key << 32 | 0xffffffffL;
  }

  /** The key of a {@link #wide} value, or the threshold key of a perfect-layout split. */
  static int keyOf(long wide) {
    return (int) (wide >> 32);
  }

  /** The lane a perfect-layout split reads: its low half, so that taking it is a plain 32-bit move. */
  static int lane(long split) {
    return (int) split;
  }

  /**
   * 1 when the row's {@link #wide} value goes right at a perfect-layout split (its key at least the
   * threshold), else 0: the sign of a subtraction, without a branch or a conditional move.
   */
  static int right(long split, long wide) {
    return (int) ((split - wide) >>> 63);
  }

  long memoryBytes() {
    return 64L + 4L * nodes.length + 8L * packed.length + 12L * laneSlot.length + 4L * roots.length
        + 8L * leafOrigin.length
        + (conditions == null ? 0 : conditions.memoryBytes())
        + (slices == null ? 0 : slices.memoryBytes()) + (masks == null ? 0 : masks.memoryBytes());
  }
}
