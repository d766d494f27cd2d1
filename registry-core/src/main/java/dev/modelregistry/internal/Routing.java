package dev.modelregistry.internal;

import java.util.List;

/**
 * What one model serves, as one immutable value: the serving slot ({@link ModelHandle}) holds one, readers
 * take it with one volatile read and route inside it, and every change is the write of a new one. Today it
 * names the stable version; arms that share traffic with it (a canary, a shadow) belong here too, so that a
 * change of routing is a swap like any other.
 *
 * @param stable the version that serves calls
 */
record Routing(LoadedVersion stable) {

  /** Every version this snapshot serves; a swap retires the versions of the old snapshot not in the new. */
  List<LoadedVersion> versions() {
    return List.of(stable);
  }
}
