package dev.modelregistry.trees;

/**
 * One decision tree as read from a model file, before it is laid out for evaluation. Node 0 is the root. An
 * internal node {@code n} sends a row right when its prepared value in slot {@code slot[n]} is {@code >=
 * threshold[n]}, else left; a leaf has {@code left[n] == -1} and holds {@code leaf[n]}. The reader has
 * checked that the nodes form one tree. Arrays are owned by the tree and never written after reading.
 *
 * @param depth the number of splits on the longest path from the root to a leaf
 */
record Tree(int[] left, int[] right, int[] slot, float[] threshold, double[] leaf, int depth) {

  boolean isLeaf(int node) {
    return left[node] < 0;
  }

  int size() {
    return left.length;
  }

  /** The deepest a tree may be: deeper trees are refused as malformed. */
  static final int MAX_DEPTH = 256;

  /**
   * Checks that the nodes reachable from the root form a tree (no node reached twice, children in range,
   * depth at most {@value #MAX_DEPTH}, thresholds neither NaN nor -∞) and computes its depth. Unreachable nodes (XGBoost
   * keeps pruned nodes in its arrays) are allowed and never visited.
   *
   * @param where the file and tree, for messages
   */
  static Tree checked(String where, int[] left, int[] right, int[] slot, float[] threshold, double[] leaf) {
    int n = left.length;
    if (n == 0) {
      throw new IllegalArgumentException(where + " has no nodes");
    }
    boolean[] seen = new boolean[n];
    int[] stack = new int[n];
    int[] depthOf = new int[n];
    int top = 0;
    int depth = 0;
    stack[top++] = 0;
    seen[0] = true;
    while (top > 0) {
      int node = stack[--top];
      if (left[node] < 0) {
        if (right[node] >= 0) {
          throw new IllegalArgumentException(where + ": node " + node + " has a right child but no left child");
        }
        depth = Math.max(depth, depthOf[node]);
        continue;
      }
      if (Float.isNaN(threshold[node]) || threshold[node] == Float.NEGATIVE_INFINITY) {
        throw new UnsupportedModelException(where + ": node " + node + " splits at " + threshold[node]
            + "; split conditions must be numbers above -Infinity");
      }
      if (depthOf[node] >= MAX_DEPTH) {
        throw new IllegalArgumentException(where + " is deeper than " + MAX_DEPTH + " levels");
      }
      for (int child : new int[] {left[node], right[node]}) {
        if (child < 0 || child >= n) {
          throw new IllegalArgumentException(where + ": node " + node + " has child " + child
              + " but the tree has nodes 0 to " + (n - 1));
        }
        if (seen[child]) {
          throw new IllegalArgumentException(where + ": node " + child + " is reached twice; the nodes must form a tree");
        }
        seen[child] = true;
        depthOf[child] = depthOf[node] + 1;
        stack[top++] = child;
      }
    }
    return new Tree(left, right, slot, threshold, leaf, depth);
  }
}
