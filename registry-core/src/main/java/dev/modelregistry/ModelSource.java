package dev.modelregistry;

/** Where the version a model serves came from. */
public enum ModelSource {
  /** The version the store's pointer names (downloaded, or found already verified in the local cache). */
  STORE,
  /** The last good version kept in the local cache, served because the store could not give one. */
  CACHE,
  /** The copy bundled with the application (on the classpath), served because no other source could. */
  BUNDLED
}
