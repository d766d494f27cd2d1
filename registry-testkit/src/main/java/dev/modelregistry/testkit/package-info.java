/**
 * The store contract suite, {@link dev.modelregistry.testkit.ModelStoreContract}: every store implementation
 * extends it in its tests, so all stores behave the same.
 */
@NullMarked
package dev.modelregistry.testkit;

import org.jspecify.annotations.NullMarked;
