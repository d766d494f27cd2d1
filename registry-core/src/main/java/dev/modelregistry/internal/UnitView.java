package dev.modelregistry.internal;

import dev.modelregistry.Lease;
import dev.modelregistry.Manifest;
import dev.modelregistry.Model;
import dev.modelregistry.ModelSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model seen by one unit (a user, a device): its calls route stickily, to the canary when the unit's
 * bucket is under the canary's percent, else to the stable version. Thread-safe; as cheap to make as to
 * drop, so make one per call ({@code model.forUnit(userId).predict(row)}).
 */
final class UnitView implements Model {

  private final ModelHandle handle;
  private final String unit;

  UnitView(ModelHandle handle, String unit) {
    this.handle = handle;
    this.unit = unit;
  }

  @Override
  public float[] predict(float[] features) {
    return handle.predict(features, unit);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return handle.predict(rows, unit);
  }

  @Override
  public float[] predict(Map<String, ? extends Number> features) {
    return handle.predict(features, unit);
  }

  @Override
  public Lease lease() {
    return handle.lease(unit);
  }

  @Override
  public Model forUnit(String unitId) {
    return handle.forUnit(unitId);
  }

  /** The version this unit is routed to now. */
  @Override
  public String version() {
    return leased(Lease::version);
  }

  @Override
  public String name() {
    return handle.name();
  }

  @Override
  public ModelSource source() {
    return leased(Lease::source);
  }

  @Override
  public List<String> features() {
    return leased(Lease::features);
  }

  @Override
  public Map<String, Double> metrics() {
    return leased(Lease::metrics);
  }

  @Override
  public Optional<Manifest> manifest() {
    return leased(Lease::manifest);
  }

  /** What {@code read} says of the version this unit is routed to now. */
  private <T> T leased(java.util.function.Function<Lease, T> read) {
    try (Lease lease = lease()) {
      return read.apply(lease);
    }
  }

  @Override
  public String toString() {
    return handle + " for unit " + unit;
  }
}
