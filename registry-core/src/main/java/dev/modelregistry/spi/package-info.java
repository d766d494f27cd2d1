/**
 * Service provider interfaces: where versions are stored ({@link dev.modelregistry.spi.ModelStore},
 * {@link dev.modelregistry.spi.WritableModelStore}) and how a version's files become a model that predicts
 * ({@link dev.modelregistry.spi.ModelLoader}, {@link dev.modelregistry.spi.Predictor}).
 *
 * <p>Stores are deliberately small: a handful of object operations on keys relative to the store root.
 * The storage format (pointer, manifests, version ids, history) is implemented once, in the core, on top
 * of them, so every store behaves the same. Loaders are found with {@link java.util.ServiceLoader} or
 * passed to the registry builder.
 */
@NullMarked
package dev.modelregistry.spi;

import org.jspecify.annotations.NullMarked;
