package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One promotion gate on a metric: an absolute threshold ({@code accuracy >= 0.70}) or a threshold relative
 * to the serving version ({@code mae <= serving.mae * 1.10}, {@code accuracy >= serving.accuracy - 0.01}).
 * Written in {@code policy.json} as that text and parsed with {@link #parse}. Immutable.
 *
 * <p>A relative gate compares with {@code factor × serving + offset}. It passes, and says so, when there is
 * no serving version or the serving version has no value for the metric: there is nothing to be worse than.
 * A gate on a metric the candidate does not have fails.
 *
 * @param metric the candidate's metric
 * @param op the comparison the candidate's value must satisfy
 * @param value the threshold of an absolute gate (unused by a relative one)
 * @param servingMetric the serving version's metric a relative gate compares with, or null for an absolute gate
 * @param factor the factor of a relative gate (1 when not written)
 * @param offset the offset of a relative gate (0 when not written)
 */
public record Gate(String metric, Op op, double value, @Nullable String servingMetric, double factor, double offset) {

  /** The longest gate text accepted. */
  public static final int MAX_TEXT = 200;

  private static final String NAME = "[A-Za-z][A-Za-z0-9_.]{0,63}";
  private static final String NUMBER = "[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
  private static final Pattern SYNTAX = Pattern.compile("\\s*(" + NAME + ")\\s*(>=|<=|>|<)\\s*(?:(-?" + NUMBER
      + ")|serving\\.(" + NAME + ")(?:\\s*\\*\\s*(" + NUMBER + "))?(?:\\s*([+-])\\s*(" + NUMBER + "))?)\\s*");
  private static final Pattern METRIC = Pattern.compile(NAME);

  /** The comparisons a gate can make. */
  public enum Op {
    /** At least. */
    GE(">="),
    /** More than. */
    GT(">"),
    /** At most. */
    LE("<="),
    /** Less than. */
    LT("<");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written: {@code >=}, {@code >}, {@code <=}, {@code <}. */
    public String symbol() {
      return symbol;
    }

    /** Whether {@code actual op threshold} holds. */
    public boolean test(double actual, double threshold) {
      return switch (this) {
        case GE -> actual >= threshold;
        case GT -> actual > threshold;
        case LE -> actual <= threshold;
        case LT -> actual < threshold;
      };
    }

    /** The operator that holds when this one does not: {@code <} for {@code >=}. */
    public String negated() {
      return switch (this) {
        case GE -> "<";
        case GT -> "<=";
        case LE -> ">";
        case LT -> ">=";
      };
    }

    static Op of(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException("unknown operator " + symbol);
    }
  }

  /** Checks. */
  public Gate {
    requireNonNull(metric, "metric");
    requireNonNull(op, "op");
    if (!METRIC.matcher(metric).matches()) {
      throw new IllegalArgumentException("metric name " + Names.quote(metric) + " is not [A-Za-z][A-Za-z0-9_.]{0,63}");
    }
    if (servingMetric != null && !METRIC.matcher(servingMetric).matches()) {
      throw new IllegalArgumentException(
          "metric name " + Names.quote(servingMetric) + " is not [A-Za-z][A-Za-z0-9_.]{0,63}");
    }
    if (!Double.isFinite(value) || !Double.isFinite(factor) || !Double.isFinite(offset)) {
      throw new IllegalArgumentException("gate on " + metric + ": numbers must be finite");
    }
  }

  /** An absolute gate: {@code metric op threshold}. */
  public static Gate absolute(String metric, Op op, double threshold) {
    return new Gate(metric, op, threshold, null, 1, 0);
  }

  /** A relative gate: {@code metric op serving.metric * factor + offset}. */
  public static Gate relative(String metric, Op op, double factor, double offset) {
    return new Gate(metric, op, 0, metric, factor, offset);
  }

  /**
   * Parses a gate: {@code <metric> <op> <number>} or {@code <metric> <op> serving.<metric> [* <number>] [+|-
   * <number>]}, with {@code op} one of {@code >= > <= <}.
   *
   * @throws IllegalArgumentException quoting the text and saying what is expected
   */
  public static Gate parse(String text) {
    requireNonNull(text, "text");
    Matcher m = text.length() > MAX_TEXT ? null : SYNTAX.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("gate " + Names.quote(text) + " is not understood; write"
          + " \"<metric> <op> <number>\" (accuracy >= 0.70) or \"<metric> <op> serving.<metric> [* <number>]"
          + " [+|- <number>]\" (mae <= serving.mae * 1.10), op one of >= > <= <");
    }
    Op op = Op.of(m.group(2));
    if (m.group(3) != null) {
      return new Gate(m.group(1), op, Double.parseDouble(m.group(3)), null, 1, 0);
    }
    double factor = m.group(5) == null ? 1 : Double.parseDouble(m.group(5));
    double offset = m.group(7) == null ? 0 : Double.parseDouble(m.group(7)) * ("-".equals(m.group(6)) ? -1 : 1);
    return new Gate(m.group(1), op, 0, m.group(4), factor, offset);
  }

  /** Whether the gate compares with the serving version. */
  public boolean isRelative() {
    return servingMetric != null;
  }

  /** The gate as {@link #parse} reads it. */
  @Override
  public String toString() {
    if (servingMetric == null) {
      return metric + " " + op.symbol + " " + format(value);
    }
    StringBuilder out = new StringBuilder(metric).append(' ').append(op.symbol).append(" serving.").append(servingMetric);
    if (factor != 1) {
      out.append(" * ").append(format(factor));
    }
    if (offset != 0) {
      out.append(offset < 0 ? " - " : " + ").append(format(Math.abs(offset)));
    }
    return out.toString();
  }

  /** A number for messages: three decimals, or three significant digits for small values. */
  static String format(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e9) {
      return String.format(Locale.ROOT, "%.2f", x);
    }
    return Math.abs(x) >= 0.01 ? String.format(Locale.ROOT, "%.3f", x) : String.format(Locale.ROOT, "%.3g", x);
  }
}
