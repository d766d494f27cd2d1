/**
 * The implementation of the registry: model controllers and the poller, the local cache, leases and the
 * reaper, the storage format codec and the built-in linear loader. Not an API: types here are public only
 * so the core's packages can share them, and may change in any release.
 */
@NullMarked
package dev.modelregistry.internal;

import org.jspecify.annotations.NullMarked;
