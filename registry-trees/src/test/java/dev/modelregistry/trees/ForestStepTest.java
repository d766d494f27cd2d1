package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The perfect layout's step, the sign of {@code split - wide(key)}, is {@code key >= threshold} for every
 * pair of keys a lane can hold (at most {@link Forest#MAX_SPAN} apart, the farthest included) and every lane
 * a split can name; and a feature whose thresholds span more of the float range gets two lanes, so that
 * rows at both ends of the range still take the comparison's path.
 */
class ForestStepTest {

  @Test
  void theSignOfOneSubtractionIsTheComparisonWithinALanesSpan() {
    List<Integer> keys = new ArrayList<>(List.of(Integer.MIN_VALUE + 1, Integer.MIN_VALUE + 2, -1, 0, 1,
        Integer.MAX_VALUE - 1, Integer.MAX_VALUE));
    for (float f : new float[] {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f,
        Float.MIN_VALUE, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
      keys.add(Forest.key(f));
    }
    Random random = new Random(46);
    for (int i = 0; i < 200; i++) {
      keys.add(random.nextInt());
    }
    for (int i = 0; i < 50; i++) {
      // pairs exactly at the span's bounds: a threshold and the keys a lane clamps around it
      int low = random.nextInt(Integer.MAX_VALUE) + Integer.MIN_VALUE + 2;
      keys.add(low);
      keys.add((int) (low + Forest.MAX_SPAN));
      keys.add(low - 1);
    }
    int[] lanes = {0, 1, 12_345, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
    int checked = 0;
    for (int threshold : keys) {
      for (int lane : lanes) {
        long split = Forest.split(threshold, lane);
        assertThat(Forest.lane(split)).isEqualTo(lane);
        assertThat(Forest.keyOf(split)).isEqualTo(threshold);
        for (int key : keys) {
          // a lane's keys are clamped to [lowest threshold - 1, highest]: within MAX_SPAN + 1 of each other
          if (Math.abs((long) key - threshold) <= Forest.MAX_SPAN + 1) {
            checked++;
            assertThat(Forest.right(split, Forest.wide(key))).as("key %d, threshold %d, lane %d", key, threshold,
                lane).isEqualTo(key >= threshold ? 1 : 0);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(100_000);
  }

  /**
   * A feature split at -3 and 3 spans more keys than a lane may (the keys of -3 and 3 are about 2^31
   * apart), so it gets two lanes; one split between -1 and 1 gets one. Rows from -∞ to +∞ reach the same
   * leaves as a node-by-node walk.
   */
  @Test
  void thresholdsSpanningTheFloatRangeGetTwoLanes() {
    float[] wide = {-3f, -1e30f, 3f, Float.MAX_VALUE, 1e-30f, -Float.MAX_VALUE, Float.POSITIVE_INFINITY};
    List<Tree> trees = new ArrayList<>();
    for (float threshold : wide) {
      trees.add(Tree.checked("stump", new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {0, 0, 0},
          new float[] {threshold, 0, 0}, new double[] {0, 1, 2}));
    }
    trees.add(Tree.checked("narrow", new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {1, 0, 0},
        new float[] {0.5f, 0, 0}, new double[] {0, 1, 2}));
    Forest forest = Forest.of(trees, true);
    assertThat(forest.lanes()).as("two lanes for slot 0, one for slot 1, one for pass-through splits").isEqualTo(4);
    float[] values = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1e30f, -3.0000002f, -3f, -2.9999998f, -0f, 0f,
        1e-30f, 2.9999998f, 3f, 1e30f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
    float[] rows = new float[values.length * values.length * 2];
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < values.length; j++) {
        rows[2 * (i * values.length + j)] = values[i];
        rows[2 * (i * values.length + j) + 1] = values[j];
      }
    }
    long[] keys = BitSlicesTest.wide(forest, rows, 2);
    int[] one = new int[trees.size()];
    for (int r = 0; r < rows.length / 2; r++) {
      forest.leaves(keys, r * forest.lanes(), one, 0);
      for (int t = 0; t < trees.size(); t++) {
        float x = rows[2 * r + trees.get(t).slot()[0]];
        int expected = x >= trees.get(t).threshold()[0] ? 2 : 1;
        assertThat(forest.leafNode(one[t])).as("%s at tree %d", x, t).isEqualTo(expected);
      }
    }
  }

  /**
   * A split on a slot past 2^24 (the limit of an earlier layout) keeps the perfect layout. (The lanes'
   * tables are sized by the highest slot; loaders number slots densely.)
   */
  @Test
  void manySlotsKeepThePerfectLayout() {
    Tree far = Tree.checked("stump", new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {(1 << 24) + 5, 0, 0},
        new float[] {0.5f, 0, 0}, new double[] {0, 1, 2});
    Forest forest = Forest.of(List.of(far));
    assertThat(forest.isPerfect()).isTrue();
    assertThat(forest.lanes()).isEqualTo(2);
  }

  /**
   * A node no path reaches may hold anything, as XGBoost keeps pruned nodes: a NaN threshold there (whose key
   * no lane can hold) must not stop the tree from loading in the perfect layout.
   */
  @Test
  void anUnreachableSplitAtNaNIsIgnored() {
    for (int bits : new int[] {0xffffffff, 0x7fffffff, 0x7fc00000}) {
      Tree tree = Tree.checked("t", new int[] {1, -1, -1, 1}, new int[] {2, -1, -1, 2}, new int[] {0, 0, 0, 0},
          new float[] {0.5f, 0, 0, Float.intBitsToFloat(bits)}, new double[] {0, 1, 2, 0});
      Forest forest = Forest.of(List.of(tree, tree));
      assertThat(forest.isPerfect()).isTrue();
      long[] keys = BitSlicesTest.wide(forest, new float[] {0.25f, 0.75f}, 1);
      int[] leaves = new int[2];
      forest.leaves(keys, 0, leaves, 0);
      assertThat(forest.leafNode(leaves[0])).isEqualTo(1);
      forest.leaves(keys, forest.lanes(), leaves, 0);
      assertThat(forest.leafNode(leaves[1])).isEqualTo(2);
    }
  }

  @Test
  void keysOrderAsTheirFloatsDo() {
    Random random = new Random(47);
    for (int i = 0; i < 100_000; i++) {
      float a = Float.intBitsToFloat(random.nextInt());
      float b = random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : Math.nextUp(a);
      if (a == a && b == b) {
        assertThat(Forest.key(a) >= Forest.key(b)).as("%s >= %s", a, b).isEqualTo(a >= b);
      }
    }
  }
}
