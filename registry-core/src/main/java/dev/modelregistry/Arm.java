package dev.modelregistry;

/**
 * Which arm of a model's rollout served a call: the stable version, or the canary that shares its traffic
 * (see {@link Pointer.Canary}). A shadow never answers a caller, so no lease is on a shadow arm.
 */
public enum Arm {
  /** The version the pointer names. */
  STABLE,
  /** The canary version, for its share of the calls. */
  CANARY
}
