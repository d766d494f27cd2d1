/**
 * JMH benchmarks of the registry's read path, predictions and swaps under load, with the obvious
 * alternatives as baselines. Run from the shaded {@code benchmarks.jar}; see the project README.
 */
@NullMarked
package dev.modelregistry.benchmarks;

import org.jspecify.annotations.NullMarked;
