/**
 * The {@code model-registry} command-line tool: lists, shows, publishes, promotes, rolls back and
 * verifies models in a folder or on S3, through the same {@link dev.modelregistry.ModelPublisher} and
 * storage format as a Java service. Each command is one class; a new command is a new subclass of
 * {@code StoreCommand} added to {@link dev.modelregistry.cli.ModelRegistryCli#commandLine}. Not an API:
 * its contract is the command line, its output and its exit codes, as the README documents them.
 */
@NullMarked
package dev.modelregistry.cli;

import org.jspecify.annotations.NullMarked;
