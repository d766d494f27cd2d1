/**
 * The public API of the model registry: {@link dev.modelregistry.ModelRegistry} serves versioned models
 * to a host service and swaps new versions in without locks on the read path; {@link
 * dev.modelregistry.ModelPublisher} writes versions to a store and moves the serving pointer.
 *
 * <p>The types here describe the storage format (version ids, pointers, manifests, history records), the
 * live view of a model ({@link dev.modelregistry.Model}, {@link dev.modelregistry.Lease}), its status and
 * the events a registry reports. Store and loader implementations plug in through {@code
 * dev.modelregistry.spi}.
 */
@NullMarked
package dev.modelregistry;

import org.jspecify.annotations.NullMarked;
