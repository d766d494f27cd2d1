package dev.modelregistry;

/**
 * One fact about a version in the store, as listed by {@link ModelCatalog#versions}. A version has one of
 * the first four (what its folder holds) and any of the others. Immutable.
 */
public enum VersionState {
  /** Has a manifest: complete, and verified file by file when downloaded. */
  COMPLETE,
  /** Has files but no manifest (published by a plain script): served when promoted, unverified. */
  UNVERIFIED,
  /** Claimed, but its manifest was never written: a publish in progress or one that failed; never served. */
  INCOMPLETE,
  /** Has a deletion marker: a prune archived it and deleted (or is deleting) its files; never served again. */
  ARCHIVED,
  /** The pointer's stable version. */
  SERVING,
  /** The pointer's canary. */
  CANARY,
  /** The pointer's shadow. */
  SHADOW,
  /** The version a roll back returns to. */
  PREVIOUS,
  /** A run records that the gates refused to promote it, and it is neither serving nor the canary now. */
  REFUSED
}
