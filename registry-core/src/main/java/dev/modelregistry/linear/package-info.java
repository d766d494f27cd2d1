/**
 * The built-in {@code linear} format: a linear model (one or several outputs) with an identity, logistic
 * or softmax link, stored as one {@code model.json}. Pure Java, so the core can be tested and demonstrated
 * without native code.
 */
@NullMarked
package dev.modelregistry.linear;

import org.jspecify.annotations.NullMarked;
