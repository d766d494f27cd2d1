package dev.modelregistry.trees;

/**
 * A number read from a model document, kept both as a double and as a float, each rounded once from what the
 * file holds (decimal text or binary), so that neither is a double rounding of the other. Immutable.
 */
record Num(double value, float asFloat) {}
