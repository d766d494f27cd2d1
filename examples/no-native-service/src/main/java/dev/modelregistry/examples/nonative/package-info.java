/**
 * A service that serves XGBoost and LightGBM models from a folder with no native library: the models were
 * trained in Python ({@code training/}), published by a plain script into {@code store/}, and are evaluated
 * by the pure-Java evaluator of {@code registry-trees}.
 */
@NullMarked
package dev.modelregistry.examples.nonative;

import org.jspecify.annotations.NullMarked;
