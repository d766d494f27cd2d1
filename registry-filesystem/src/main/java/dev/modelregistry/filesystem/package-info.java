/**
 * {@link dev.modelregistry.filesystem.FilesystemModelStore}: the store on a local or mounted folder, to
 * serve from and to publish to.
 */
@NullMarked
package dev.modelregistry.filesystem;

import org.jspecify.annotations.NullMarked;
