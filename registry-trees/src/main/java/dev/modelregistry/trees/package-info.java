/**
 * Tree ensembles evaluated in pure Java: XGBoost models saved as JSON or UBJSON ({@code gbtree}, {@code
 * dart}, {@code gblinear}) and LightGBM text models ({@code model.txt}), with outputs bit-identical to the
 * native libraries. No native code, no allocation per prediction beyond the output array.
 *
 * <p>{@link dev.modelregistry.trees.TreeEnsembles} reads a model; {@link
 * dev.modelregistry.trees.LightGbmModelLoader} serves the {@code lightgbm} format in a registry (the XGBoost
 * loader in {@code registry-xgboost} uses this package for the {@code xgboost} format). A model that uses a
 * feature the evaluator does not implement is refused with {@link
 * dev.modelregistry.trees.UnsupportedModelException}, never evaluated differently.
 */
@NullMarked
package dev.modelregistry.trees;

import org.jspecify.annotations.NullMarked;
