package dev.modelregistry.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The perfect layout's step, the sign of {@code split - wide(key)}, is {@code key >= threshold} for every
 * pair of keys, the farthest apart included (where a plain subtraction of the keys would overflow), and for
 * every slot a split can hold.
 */
class ForestStepTest {

  @Test
  void theSignOfOneSubtractionIsTheComparisonForEveryKeyAndSlot() {
    List<Integer> keys = new ArrayList<>(List.of(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0, 1,
        Integer.MAX_VALUE - 1, Integer.MAX_VALUE));
    for (float f : new float[] {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f,
        Float.MIN_VALUE, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
      keys.add(Forest.key(f));
    }
    Random random = new Random(46);
    for (int i = 0; i < 200; i++) {
      keys.add(random.nextInt());
    }
    int[] slots = {0, 1, 12_345, Forest.SLOT_MASK - 1};
    for (int threshold : keys) {
      for (int slot : slots) {
        long split = ((long) threshold << Forest.SLOT_BITS) | slot;
        assertThat(Forest.slot(split)).isEqualTo(slot);
        assertThat(Forest.keyOf(split)).isEqualTo(threshold);
        for (int key : keys) {
          assertThat(Forest.right(split, Forest.wide(key))).as("key %d, threshold %d, slot %d", key, threshold, slot)
              .isEqualTo(key >= threshold ? 1 : 0);
        }
      }
    }
  }

  /**
   * A split's slot must stay below the wide keys' low bits: a forest that reads more slots gets the node
   * layout, and refuses the perfect one when asked. (The step at the highest slot allowed is checked above.)
   */
  @Test
  void splitsReadingTooManySlotsGetTheNodeLayout() {
    assertThat(Forest.of(List.of(stump(3))).isPerfect()).isTrue();
    Tree tooFar = stump(Forest.SLOT_MASK);
    assertThat(Forest.of(List.of(tooFar)).isPerfect()).isFalse();
    assertThatThrownBy(() -> Forest.of(List.of(tooFar), true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slots");
  }

  /** One split on {@code slot} at 0.5. */
  private static Tree stump(int slot) {
    return Tree.checked("stump", new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {slot, 0, 0},
        new float[] {0.5f, 0, 0}, new double[] {0, 1, 2});
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
