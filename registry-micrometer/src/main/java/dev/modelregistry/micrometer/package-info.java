/**
 * Micrometer meters of a model registry, without Spring: {@link dev.modelregistry.micrometer.ModelRegistryMetrics}
 * binds them and, as a registry listener, adds each model's meters when it loads and removes them when it is
 * evicted. The Spring Boot starter only wires it.
 */
@NullMarked
package dev.modelregistry.micrometer;

import org.jspecify.annotations.NullMarked;
