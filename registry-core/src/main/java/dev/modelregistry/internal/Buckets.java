package dev.modelregistry.internal;

/**
 * Unleash's bucketing, so that a unit (a user, a device) lands in the same bucket here as in every Unleash
 * SDK: {@code murmur3_x86_32("<group>:<unit id>" as UTF-8, seed) % n + 1} with the hash read as unsigned,
 * seed 0 and n = 100 for a rollout percentage, seed 86028157 and n = the total weight for variants.
 * Stateless and thread-safe; allocates nothing.
 *
 * <p>The hash of the {@code "<group>:"} prefix is computed once per group ({@link Prefix}), so a call hashes
 * only the unit id, encoding it to UTF-8 on the fly.
 */
final class Buckets {

  /** The seed of Unleash's variant selection. */
  static final int VARIANT_SEED = 86028157;

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Buckets() {}

  /** The bucket, 1 to 100, of {@code unit} in {@code prefix}'s group, as Unleash's {@code normalizedHash}. */
  static int percentBucket(Prefix prefix, CharSequence unit) {
    return (int) (Integer.toUnsignedLong(hash(prefix, unit)) % 100) + 1;
  }

  /** The target, 1 to {@code totalWeight}, of Unleash's variant selection (the prefix uses the variant seed). */
  static int variantTarget(Prefix prefix, CharSequence unit, int totalWeight) {
    return (int) (Integer.toUnsignedLong(hash(prefix, unit)) % totalWeight) + 1;
  }

  /** murmur3_x86_32 of the prefix's bytes followed by {@code unit}'s UTF-8 bytes. */
  static int hash(Prefix prefix, CharSequence unit) {
    int h1 = prefix.h1;
    int k1 = prefix.k1;
    int n = prefix.length;
    int len = unit.length();
    int i = 0;
    // Fast path: whole blocks of four ASCII characters once the byte count is aligned to a block.
    while (i < len) {
      if ((n & 3) == 0 && i + 4 <= len) {
        char c0 = unit.charAt(i);
        char c1 = unit.charAt(i + 1);
        char c2 = unit.charAt(i + 2);
        char c3 = unit.charAt(i + 3);
        if ((c0 | c1 | c2 | c3) < 0x80) {
          h1 = block(h1, c0 | c1 << 8 | c2 << 16 | c3 << 24);
          n += 4;
          i += 4;
          continue;
        }
      }
      char c = unit.charAt(i++);
      if (c < 0x80) {
        k1 |= c << ((n & 3) << 3);
        if ((++n & 3) == 0) {
          h1 = block(h1, k1);
          k1 = 0;
        }
        continue;
      }
      int cp = c;
      if (Character.isHighSurrogate(c) && i < len && Character.isLowSurrogate(unit.charAt(i))) {
        cp = Character.toCodePoint(c, unit.charAt(i++));
      } else if (Character.isSurrogate(c)) {
        cp = '?'; // an unpaired surrogate encodes as '?', as String.getBytes(UTF_8) does
      }
      int bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      int lead = bytes == 1 ? cp : bytes == 2 ? 0xc0 | (cp >> 6) : bytes == 3 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
      for (int b = 0; b < bytes; b++) {
        int value = b == 0 ? lead : 0x80 | ((cp >> (6 * (bytes - 1 - b))) & 0x3f);
        k1 |= (value & 0xff) << ((n & 3) << 3);
        if ((++n & 3) == 0) {
          h1 = block(h1, k1);
          k1 = 0;
        }
      }
    }
    if ((n & 3) != 0) {
      k1 *= C1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= C2;
      h1 ^= k1;
    }
    h1 ^= n;
    return fmix(h1);
  }

  private static int block(int h1, int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    k1 *= C2;
    h1 ^= k1;
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * The hash state after {@code "<group>:"}, computed once per group and seed. Immutable.
   */
  static final class Prefix {
    final String group;
    final int seed;
    final int h1;
    final int k1;
    final int length;

    private Prefix(String group, int seed, int h1, int k1, int length) {
      this.group = group;
      this.seed = seed;
      this.h1 = h1;
      this.k1 = k1;
      this.length = length;
    }

    /** The state after hashing {@code group + ":"} from {@code seed}. */
    static Prefix of(String group, int seed) {
      byte[] bytes = (group + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int h1 = seed;
      int k1 = 0;
      int n = 0;
      for (byte b : bytes) {
        k1 |= (b & 0xff) << ((n & 3) << 3);
        if ((++n & 3) == 0) {
          h1 = block(h1, k1);
          k1 = 0;
        }
      }
      return new Prefix(group, seed, h1, k1, n);
    }
  }
}
