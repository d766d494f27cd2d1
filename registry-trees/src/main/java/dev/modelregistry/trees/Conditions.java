package dev.modelregistry.trees;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The distinct thresholds of a perfect-layout {@link Forest}, lane by lane, and how a lane's key finds its
 * rank among them: what the {@link BitSlices} and the {@link LeafMasks} both search. Immutable and
 * thread-safe.
 *
 * <p>Every distinct (lane, threshold key) of the forest's real splits is a <em>condition</em>, numbered from
 * 1, lane after lane, in increasing order of threshold within a lane: condition {@code c} of a lane is met by
 * the keys at or above its threshold. Each lane's numbers start one past its own "none met" number and are
 * followed by padding thresholds above every key, so that a search ({@link #rank}) never leaves its lane.
 * Condition 0 belongs to no lane, and is never met.
 */
final class Conditions {

  /** The ints of {@link #search} a lane. */
  static final int SEARCH = 6;
  /**
   * The most buckets a lane's thresholds are put in, and per threshold: 4 bytes a bucket, so at most 256
   * bytes a threshold, and 16 KB a lane. (100 trees of depth 6, about 110 thresholds a lane, 256 rows: up to
   * 256 buckets and three steps took 62.6 µs a call in JMH, up to 1,024 and two steps 59.1; later, up to
   * 4,096, which leave at most one threshold in a bucket and so one step, 39.4 µs against 40.6 for 1,024 in
   * a timing loop, for 75 KB of buckets instead of 14 KB.)
   */
  private static final int MAX_BUCKETS = 4096;
  private static final int BUCKETS_PER_THRESHOLD = 64;

  /**
   * Per lane, {@value #SEARCH} ints that say how to search its thresholds (see {@link Slot}): the first step
   * (0 for a lane no real split reads), the number before its first condition (its "none met"), its last
   * condition including padding, the lowest key of its range, the shift that makes a key's distance from it
   * a bucket, and where its buckets start.
   */
  final int[] search;
  /** By condition, its threshold key; a lane's padding thresholds are {@link Integer#MAX_VALUE}. */
  final int[] threshold;
  /** Per lane and bucket, where a search starts: the lane's "none met" number plus the rank. */
  final int[] buckets;

  private Conditions(int[] search, int[] threshold, int[] buckets) {
    this.search = search;
    this.threshold = threshold;
    this.buckets = buckets;
  }

  /**
   * The conditions of a perfect forest's {@code packed} splits ({@link Forest#split}: threshold key and
   * lane), from index {@code trees}, or null when it has no real split. Lane {@code l}'s keys are clamped
   * to {@code [laneLow[l], laneHigh[l]]}, which holds its thresholds above the low end.
   */
  static @Nullable Conditions of(long[] packed, int trees, int[] laneLow, int[] laneHigh) {
    int lanes = 0;
    for (int b = trees; b < packed.length; b++) {
      if (!passThrough(packed[b])) {
        lanes = Math.max(lanes, Forest.lane(packed[b]) + 1);
      }
    }
    if (lanes == 0) {
      return null;
    }
    int[][] keys = new int[lanes][];
    int[] count = new int[lanes];
    for (int b = trees; b < packed.length; b++) {
      if (!passThrough(packed[b])) {
        int lane = Forest.lane(packed[b]);
        if (keys[lane] == null) {
          keys[lane] = new int[8];
        } else if (count[lane] == keys[lane].length) {
          keys[lane] = Arrays.copyOf(keys[lane], 2 * count[lane]);
        }
        keys[lane][count[lane]++] = Forest.keyOf(packed[b]);
      }
    }
    Slot[] searches = new Slot[lanes];
    int next = 1; // condition 0 is never met
    int bucketCount = 0;
    for (int l = 0; l < lanes; l++) {
      if (keys[l] != null) {
        keys[l] = Arrays.stream(keys[l], 0, count[l]).sorted().distinct().toArray();
        searches[l] = Slot.of(keys[l], laneLow[l], laneHigh[l], next, bucketCount);
        next = searches[l].end + 1;
        bucketCount += searches[l].buckets.length;
      }
    }
    int[] threshold = new int[next];
    int[] buckets = new int[bucketCount];
    int[] search = new int[lanes * SEARCH];
    for (int l = 0; l < lanes; l++) {
      Slot at = searches[l];
      if (at != null) {
        Arrays.fill(threshold, at.start + 1, at.end + 1, Integer.MAX_VALUE);
        System.arraycopy(keys[l], 0, threshold, at.start + 1, keys[l].length);
        System.arraycopy(at.buckets, 0, buckets, at.bucketStart, at.buckets.length);
        search[l * SEARCH] = at.step;
        search[l * SEARCH + 1] = at.start;
        search[l * SEARCH + 2] = at.end;
        search[l * SEARCH + 3] = laneLow[l];
        search[l * SEARCH + 4] = at.shift;
        search[l * SEARCH + 5] = at.bucketStart;
      }
    }
    return new Conditions(search, threshold, buckets);
  }

  /**
   * A split that sends every row left: its threshold is above every key. No real split has this threshold
   * key, and no row value this key: it is a NaN's, and trees with NaN thresholds are refused when read,
   * while a row's NaN is replaced by its slot's missing-value rule before it becomes a key.
   */
  static boolean passThrough(long split) {
    return Forest.keyOf(split) == Integer.MAX_VALUE;
  }

  /** The number of conditions, padding and the unused 0 included: the highest number plus one. */
  int count() {
    return threshold.length;
  }

  /** The number of lanes searched: one more than the highest lane a real split reads. */
  int lanes() {
    return search.length / SEARCH;
  }

  /** Whether a real split reads {@code lane}. */
  boolean searched(int lane) {
    return search[lane * SEARCH] != 0;
  }

  /** A searched lane's "none met" number: one less than its first condition. */
  int none(int lane) {
    return search[lane * SEARCH + 1];
  }

  /** A searched lane's last condition, its padding included. */
  int last(int lane) {
    return search[lane * SEARCH + 2];
  }

  /** The condition of a real split: its lane's whose threshold is the split's. */
  int of(long split) {
    int lane = Forest.lane(split);
    return Arrays.binarySearch(threshold, none(lane) + 1, last(lane) + 1, Forest.keyOf(split));
  }

  /**
   * The highest condition of {@code lane} that {@code key} (clamped to the lane's range) meets, or the lane's
   * "none met" number: its bucket's first, then a few steps without a branch on the data.
   */
  int rank(int lane, int key) {
    int[] search = this.search;
    int[] threshold = this.threshold;
    int at = buckets[search[lane * SEARCH + 5] + ((key - search[lane * SEARCH + 3]) >>> search[lane * SEARCH + 4])];
    for (int step = search[lane * SEARCH]; step > 0; step >>= 1) {
      at += threshold[at + step] <= key ? step : 0;
    }
    return at;
  }

  /**
   * How a slot's sorted thresholds are searched: its range of keys ({@code [low, high]}, which every key of
   * the slot is clamped to) is cut into up to {@value #MAX_BUCKETS} buckets (and {@value
   * #BUCKETS_PER_THRESHOLD} a threshold) of equal width ({@code (key - low) >>> shift}), and a key's rank is
   * its bucket's first rank plus a branch-free search of the few positions after it, {@code log2(step) + 1}
   * steps: enough for the fullest bucket, and never past the slot, whose thresholds are followed by as many
   * padding thresholds above every key. As the keys are clamped, the bucket needs no bounds of its own.
   */
  private static final class Slot {
    final int start;
    final int end;
    final int step;
    final int shift;
    final int bucketStart;
    final int[] buckets;

    private Slot(int start, int end, int step, int shift, int bucketStart, int[] buckets) {
      this.start = start;
      this.end = end;
      this.step = step;
      this.shift = shift;
      this.bucketStart = bucketStart;
      this.buckets = buckets;
    }

    /**
     * The search of {@code sorted} distinct threshold keys, within {@code [low, high]}, whose first condition
     * less one is {@code start}.
     */
    static Slot of(int[] sorted, int low, int high, int start, int bucketStart) {
      if (sorted[0] <= low || sorted[sorted.length - 1] > high || (long) high - low > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the thresholds are not within (" + low + ", " + high + "]");
      }
      long range = (long) high - low;
      int shift = 0;
      int most = Math.min(MAX_BUCKETS, BUCKETS_PER_THRESHOLD * sorted.length);
      while (range >> shift >= most) {
        shift++;
      }
      int fullest = fullest(sorted, low, shift);
      // fewer, wider buckets while the search takes no more steps: a smaller table to keep in cache
      while (range >> shift > 0 && steps(fullest(sorted, low, shift + 1)) == steps(fullest)) {
        shift++;
        fullest = fullest(sorted, low, shift);
      }
      int[] buckets = new int[(int) (range >> shift) + 1];
      int rank = 0;
      for (int b = 0; b < buckets.length; b++) {
        while (rank < sorted.length && ((long) sorted[rank] - low) >> shift < b) {
          rank++;
        }
        buckets[b] = start + rank;
      }
      int steps = steps(fullest);
      return new Slot(start, start + sorted.length + (1 << steps) - 1, 1 << (steps - 1), shift, bucketStart,
          buckets);
    }

    /** The most thresholds in one bucket. */
    private static int fullest(int[] sorted, int low, int shift) {
      int fullest = 0;
      for (int i = 0, run = 0; i < sorted.length; i++) {
        boolean same = i > 0 && ((long) sorted[i] - low) >> shift == ((long) sorted[i - 1] - low) >> shift;
        run = same ? run + 1 : 1;
        fullest = Math.max(fullest, run);
      }
      return fullest;
    }

    /** The steps of a search that places a key among {@code count} thresholds: 2^steps - 1 >= count. */
    private static int steps(int count) {
      return 32 - Integer.numberOfLeadingZeros(count);
    }
  }

  long memoryBytes() {
    return 48L + 4L * search.length + 4L * threshold.length + 4L * buckets.length;
  }
}
