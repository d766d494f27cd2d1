/**
 * Time that moves only when a test says so: {@link dev.modelregistry.testing.ManualTicker} and {@link
 * dev.modelregistry.testing.ManualScheduler}, for {@code ModelRegistry.builder().ticker(...).scheduler(...)},
 * so that tests of polling, backoff, load deadlines and lease warnings are exact instead of sleeping. They
 * live in the core, beside the registry they drive (as Micrometer ships {@code MockClock} in its core), so
 * that any module's tests, the core's own included, can use them.
 */
@NullMarked
package dev.modelregistry.testing;

import org.jspecify.annotations.NullMarked;
