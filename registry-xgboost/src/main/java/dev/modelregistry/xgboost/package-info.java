/**
 * The XGBoost loader: serves {@code model.ubj}, {@code model.json} and legacy binary boosters through
 * xgboost4j, found by {@link java.util.ServiceLoader} when this module is on the classpath.
 */
@NullMarked
package dev.modelregistry.xgboost;

import org.jspecify.annotations.NullMarked;
