package dev.modelregistry;

/** How a publisher numbers new versions. */
public enum VersionScheme {
  /** {@code v1}, {@code v2}, …: one more than the highest {@code v<digits>} version in the store. */
  SEQUENTIAL,
  /**
   * {@code v<YYYYMMDD>_<HHMMSS>} from the publisher's clock, in UTC; if two publishers claim the same second,
   * the later one takes the next free second.
   */
  TIMESTAMP
}
