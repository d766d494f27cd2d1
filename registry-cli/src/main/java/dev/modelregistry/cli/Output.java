package dev.modelregistry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes results to standard output: aligned tables for people, JSON for scripts. */
final class Output {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintWriter out;
  private final List<String[]> rows = new ArrayList<>();

  Output(CliContext context) {
    this.out = context.out();
  }

  /** Prints {@code value} (maps, lists, strings and numbers) as JSON. */
  void json(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result as JSON", e);
    }
    out.flush();
  }

  /** Prints a line. */
  void line(String text) {
    out.println(text);
    out.flush();
  }

  /** Adds a table row; {@link #table()} prints the rows with aligned columns. */
  void row(String... cells) {
    rows.add(cells);
  }

  /** Prints the rows added so far, columns aligned, and forgets them. */
  void table() {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
    rows.clear();
  }

  /** {@code accuracy=0.921, roc_auc=0.81}, in name order. */
  static String metrics(Map<String, Double> metrics) {
    return metrics.isEmpty() ? "-" : metrics.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + number(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }

  /** {@code value}, or {@code -} for nothing. */
  static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
