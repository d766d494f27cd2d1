package dev.modelregistry;

/**
 * Receives what happens to the models of a registry: for metrics, health and alerts. Every method has a
 * no-op default, so an implementation overrides only what it needs.
 *
 * <p>Each method's default hands the event to {@link #onEvent(RegistryEvent)}, so a listener that wants
 * everything (to log it, or bridge it to a metrics system) overrides that one method.
 *
 * <p>Methods are called on the registry's own threads (the scheduler and the loader), never on a thread
 * that predicts. They must be fast and must not block; they must not call back into the registry's
 * {@code refresh}, {@code pin}, {@code unpin} or {@code close} (they are not re-entrant). Whatever a
 * listener throws is caught and logged, and does not affect the registry.
 */
public interface RegistryListener {

  /** A version was loaded and is about to be swapped in. */
  default void onLoaded(RegistryEvent.Loaded event) {
    onEvent(event);
  }

  /** A version became live. */
  default void onSwapped(RegistryEvent.Swapped event) {
    onEvent(event);
  }

  /** A version failed to load and is not served. */
  default void onLoadFailed(RegistryEvent.LoadFailed event) {
    onEvent(event);
  }

  /** A fallback source serves the model because the store could not. */
  default void onFellBack(RegistryEvent.FellBack event) {
    onEvent(event);
  }

  /** A version was swapped out. */
  default void onRetired(RegistryEvent.Retired event) {
    onEvent(event);
  }

  /** A retired version was closed. */
  default void onClosed(RegistryEvent.Closed event) {
    onEvent(event);
  }

  /** A poll ended. */
  default void onPolled(RegistryEvent.Polled event) {
    onEvent(event);
  }

  /** A lease was held too long. */
  default void onLeaseOverdue(RegistryEvent.LeaseOverdue event) {
    onEvent(event);
  }

  /** A canary or shadow started, stopped or changed its share. */
  default void onRolloutChanged(RegistryEvent.RolloutChanged event) {
    onEvent(event);
  }

  /** A shadow pair ended, with its final comparison. */
  default void onShadowCompared(RegistryEvent.ShadowCompared event) {
    onEvent(event);
  }

  /** A version's performance degraded or recovered: the hook for a retraining scheduler. */
  default void onQualityChanged(RegistryEvent.QualityChanged event) {
    onEvent(event);
  }

  /** A feature's served values drifted from the training reference, or came back. */
  default void onInputDrifted(RegistryEvent.InputDrifted event) {
    onEvent(event);
  }

  /** A discovered model was evicted. */
  default void onEvicted(RegistryEvent.Evicted event) {
    onEvent(event);
  }

  /** Called by every default method above: one place to receive all events. */
  default void onEvent(RegistryEvent event) {}
}
