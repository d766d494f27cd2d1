package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The governance rules of a model: the gates a version must pass to be promoted or start a canary, the
 * metrics it must have, whether its features must be the serving version's, and which versions a prune
 * keeps. Stored as {@code <model>/policy.json} (a Python job can write it) and/or given to {@link
 * ModelPublisher.Builder#policy}; when both exist, both apply. Built with {@link #builder()}. Immutable.
 *
 * <pre>{@code
 * {
 *   "gates": ["accuracy >= 0.70", "roc_auc > 0.75", "mae <= serving.mae * 1.10"],
 *   "required_metrics": ["accuracy", "roc_auc"],
 *   "same_features": true,
 *   "retention": {"keep_last": 10, "keep_newer_than": "P30D"}
 * }
 * }</pre>
 *
 * @param gates metric thresholds, checked in order
 * @param requiredMetrics metrics a version must have
 * @param sameFeatures whether a version must have the serving version's features in the same order, unless
 *     the move says it changes them ({@link MoveOptions#allowingSchemaChange()})
 * @param retention which versions a prune keeps
 */
public record Policy(List<Gate> gates, List<String> requiredMetrics, boolean sameFeatures, Retention retention) {

  /** The most gates a policy may have. */
  public static final int MAX_GATES = 100;

  /** No rules. */
  public static final Policy NONE = new Policy(List.of(), List.of(), false, Retention.NONE);

  /** Checks and copies. */
  public Policy {
    gates = List.copyOf(gates);
    requiredMetrics = List.copyOf(new LinkedHashSet<>(requiredMetrics));
    requireNonNull(retention, "retention");
    if (gates.size() > MAX_GATES) {
      throw new IllegalArgumentException("a policy has at most " + MAX_GATES + " gates but this one has " + gates.size());
    }
    for (String metric : requiredMetrics) {
      Gate.absolute(metric, Gate.Op.GE, 0); // checks the name
    }
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the policy checks anything on a move. */
  public boolean hasGates() {
    return !gates.isEmpty() || !requiredMetrics.isEmpty() || sameFeatures;
  }

  /**
   * The policy that enforces both: every gate and required metric of each, the stricter feature rule, and a
   * retention that keeps what either keeps.
   */
  public Policy and(Policy other) {
    requireNonNull(other, "other");
    List<Gate> allGates = new ArrayList<>(gates);
    other.gates.stream().filter(g -> !allGates.contains(g)).forEach(allGates::add);
    List<String> required = new ArrayList<>(requiredMetrics);
    required.addAll(other.requiredMetrics);
    return new Policy(allGates, required, sameFeatures || other.sameFeatures, retention.and(other.retention));
  }

  /** Builds a {@link Policy}. Not thread-safe. */
  public static final class Builder {

    private final List<Gate> gates = new ArrayList<>();
    private final List<String> required = new ArrayList<>();
    private @Nullable Boolean sameFeatures;
    private @Nullable Retention retention;

    private Builder() {}

    /** Adds a gate, written as in {@code policy.json}: {@code accuracy >= 0.70}, {@code mae <= serving.mae * 1.10}. */
    public Builder gate(String gate) {
      return gate(Gate.parse(gate));
    }

    /** Adds a gate. */
    public Builder gate(Gate gate) {
      requireNonNull(gate, "gate");
      if (gates.contains(gate)) {
        throw new IllegalArgumentException("gate " + Names.quote(gate.toString()) + " is given twice");
      }
      gates.add(gate);
      return this;
    }

    /** Requires the version to have these metrics. */
    public Builder requireMetrics(String... metrics) {
      for (String metric : metrics) {
        Gate.absolute(requireNonNull(metric, "metric"), Gate.Op.GE, 0);
        if (required.contains(metric)) {
          throw new IllegalArgumentException("required metric " + Names.quote(metric) + " is given twice");
        }
        required.add(metric);
      }
      return this;
    }

    /** Requires the serving version's features, in the same order, unless a move allows a schema change. */
    public Builder sameFeatures() {
      if (sameFeatures != null) {
        throw new IllegalStateException("sameFeatures was already set");
      }
      sameFeatures = true;
      return this;
    }

    /** Which versions a prune keeps. */
    public Builder retention(Retention retention) {
      if (this.retention != null) {
        throw new IllegalStateException("retention was already set to " + this.retention);
      }
      this.retention = requireNonNull(retention, "retention");
      return this;
    }

    /** Builds. */
    public Policy build() {
      return new Policy(gates, required, sameFeatures != null, retention == null ? Retention.NONE : retention);
    }
  }
}
