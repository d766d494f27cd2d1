package dev.modelregistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Checks a version against a policy's gates. Stateless and thread-safe. */
final class Gates {

  private Gates() {}

  /**
   * Every verdict of {@code policy} on {@code candidate}, compared with {@code serving} (null when nothing
   * serves yet, or when the candidate is the serving version's own canary being promoted over it).
   */
  static List<GateVerdict> check(Policy policy, VersionInfo candidate, @Nullable VersionInfo serving,
      MoveOptions options) {
    List<GateVerdict> verdicts = new ArrayList<>();
    for (String metric : policy.requiredMetrics()) {
      Double value = candidate.metrics().get(metric);
      String gate = "required " + metric;
      verdicts.add(value == null
          ? new GateVerdict(gate, false, metric + " is missing from " + candidate.version() + "'s metrics "
              + candidate.metrics().keySet().stream().sorted().toList())
          : new GateVerdict(gate, true, metric + " is present (" + Gate.format(value) + ")"));
    }
    for (Gate gate : policy.gates()) {
      verdicts.add(check(gate, candidate, serving));
    }
    if (policy.sameFeatures()) {
      verdicts.add(features(candidate, serving, options));
    }
    return verdicts;
  }

  private static GateVerdict check(Gate gate, VersionInfo candidate, @Nullable VersionInfo serving) {
    String text = gate.toString();
    Double actual = candidate.metrics().get(gate.metric());
    if (actual == null) {
      return new GateVerdict(text, false, gate.metric() + " is missing from " + candidate.version()
          + "'s metrics, so " + text + " cannot hold");
    }
    if (!gate.isRelative()) {
      boolean passed = gate.op().test(actual, gate.value());
      return new GateVerdict(text, passed, gate.metric() + " " + Gate.format(actual) + " "
          + (passed ? gate.op().symbol() : gate.op().negated()) + " " + Gate.format(gate.value()));
    }
    if (serving == null) {
      return new GateVerdict(text, true, gate.metric() + " " + Gate.format(actual)
          + ": no serving version to compare with");
    }
    Double base = serving.metrics().get(gate.servingMetric());
    if (base == null) {
      return new GateVerdict(text, true, gate.metric() + " " + Gate.format(actual) + ": serving " + serving.version()
          + " has no " + gate.servingMetric() + " to compare with");
    }
    double threshold = gate.factor() * base + gate.offset();
    boolean passed = gate.op().test(actual, threshold);
    StringBuilder how = new StringBuilder();
    if (gate.factor() != 1) {
      how.append(String.format(Locale.ROOT, "%.2f", gate.factor())).append(" × ");
    }
    how.append("serving ").append(serving.version()).append("'s ");
    if (!gate.servingMetric().equals(gate.metric())) {
      how.append(gate.servingMetric()).append(' ');
    }
    how.append(Gate.format(base));
    if (gate.offset() != 0) {
      how.append(gate.offset() < 0 ? " - " : " + ").append(Gate.format(Math.abs(gate.offset())));
    }
    return new GateVerdict(text, passed, gate.metric() + " " + Gate.format(actual) + " "
        + (passed ? gate.op().symbol() : gate.op().negated()) + " " + Gate.format(threshold) + " = " + how);
  }

  private static GateVerdict features(VersionInfo candidate, @Nullable VersionInfo serving, MoveOptions options) {
    String gate = "same features";
    if (serving == null) {
      return new GateVerdict(gate, true, "no serving version to compare features with");
    }
    List<String> mine = candidate.features();
    List<String> theirs = serving.features();
    if (theirs.isEmpty()) {
      return new GateVerdict(gate, true, "serving " + serving.version() + " has no schema.json to compare features with");
    }
    if (mine.equals(theirs)) {
      return new GateVerdict(gate, true, candidate.version() + " has serving " + serving.version() + "'s "
          + mine.size() + " features in the same order");
    }
    String difference = difference(mine, theirs);
    if (options.schemaChange()) {
      return new GateVerdict(gate, true, "the move changes the features, as it says: " + difference);
    }
    return new GateVerdict(gate, false, candidate.version() + "'s features differ from serving " + serving.version()
        + "'s: " + difference + " (say the move changes the features to allow it)");
  }

  private static String difference(List<String> mine, List<String> theirs) {
    if (mine.isEmpty()) {
      return "it has no schema.json, serving has " + theirs.size() + " features";
    }
    int n = Math.min(mine.size(), theirs.size());
    for (int i = 0; i < n; i++) {
      if (!mine.get(i).equals(theirs.get(i))) {
        return "at position " + i + " it has " + Names.quote(mine.get(i)) + " where serving has "
            + Names.quote(theirs.get(i));
      }
    }
    return "it has " + mine.size() + " features, serving has " + theirs.size();
  }
}
