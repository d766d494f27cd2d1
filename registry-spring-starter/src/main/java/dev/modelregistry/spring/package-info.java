/**
 * Spring Boot auto-configuration for the model registry: a {@link dev.modelregistry.ModelRegistry} built from
 * {@code model-registry.*} properties, a readiness gate on required models, a health contributor per model,
 * Micrometer metrics and the {@code models} actuator endpoint. Everything the host may not have (actuator,
 * Micrometer, the S3 store) is optional.
 */
@NullMarked
package dev.modelregistry.spring;

import org.jspecify.annotations.NullMarked;
