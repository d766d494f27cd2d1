package dev.modelregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws {@code TreesBenchmark}'s results as a bar chart of nanoseconds per row, one row and in batches of
 * 256, for each implementation, on a logarithmic scale (xgboost4j's single row is a hundred times the
 * others). Usage: {@code java -cp benchmarks.jar dev.modelregistry.benchmarks.TreesChart <out.svg>
 * <results.json>...}; a later file's result for the same implementation and batch replaces an earlier one's.
 */
public final class TreesChart {

  /** The implementations in chart order, with their labels. */
  static final Map<String, String> LABELS = labels();

  private static Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("trees", "registry-trees (leaf masks, bit-sliced batches)");
    labels.put("treesPerfect", "registry-trees, perfect-tree descent");
    labels.put("quickscorer", "QuickScorer bit vectors");
    labels.put("treesNodes", "registry-trees, node layout");
    labels.put("flat", "flat arrays, branch per split");
    labels.put("h2o", "h2o xgboost-predictor");
    labels.put("xgboost4j", "xgboost4j (JNI)");
    return labels;
  }

  private TreesChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: TreesChart <out.svg> <results.json>...");
    }
    Map<String, double[]> bars = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      for (JsonNode result : JsonMapper.builder().build().readTree(Path.of(args[i]).toFile())) {
        if (result.path("benchmark").asText().endsWith("TreesBenchmark.predict")) {
          int rows = result.path("params").path("rows").asInt();
          JsonNode metric = result.path("primaryMetric");
          bars.put(result.path("params").path("impl").asText() + "/" + rows, new double[] {
              ResultsReport.normalized(metric) / rows, ResultsReport.error(metric) / rows});
        }
      }
    }
    Files.writeString(Path.of(args[0]), svg(bars));
    System.out.println("wrote " + args[0] + " from " + bars.size() + " results");
  }

  /**
   * The chart of {@code bars}: for each key {@code impl/rows}, the nanoseconds per row and the 99.9% error,
   * likewise per row.
   */
  static String svg(Map<String, double[]> bars) {
    int left = 210;
    int right = 830;
    int top = 50;
    int rowHeight = 34;
    double low = 100;
    double high = 100_000;
    List<String> impls = LABELS.keySet().stream().filter(i -> bars.containsKey(i + "/1")
        || bars.containsKey(i + "/256")).toList();
    int bottom = top + rowHeight * impls.size();
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%d\" font-family=\"sans-serif\""
            + " font-size=\"10\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            + "<text x=\"10\" y=\"20\" font-size=\"14\">XGBoost, 100 trees of depth 6: ns per row (log scale, lower is"
            + " better; whiskers: 99.9%% confidence interval)</text>\n", bottom + 50));
    for (double tick = low; tick <= high; tick *= 10) {
      int x = x(tick, left, right, low, high);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n"
          + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%,.0f</text>\n", x, top - 6, x, bottom, x, bottom + 14, tick));
    }
    int i = 0;
    for (String impl : impls) {
      int y = top + i * rowHeight;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8,
          y + rowHeight / 2 + 3, LABELS.get(impl)));
      String[] keys = {impl + "/1", impl + "/256"};
      for (int b = 0; b < 2; b++) {
        double[] bar = bars.get(keys[b]);
        if (bar == null) {
          continue;
        }
        int barY = y + 4 + b * 13;
        int end = x(bar[0], left, right, low, high);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"11\" fill=\"%s\"/>\n",
            left, barY, Math.max(1, end - left), b == 0 ? "#1f5a99" : "#8fb3d9"));
        int labelX = end + 4;
        if (bar[1] > 0) {
          int from = x(Math.max(low, bar[0] - bar[1]), left, right, low, high);
          int to = x(bar[0] + bar[1], left, right, low, high);
          svg.append(String.format(Locale.ROOT, "<path d=\"M%d %dH%dM%d %dV%dM%d %dV%d\" stroke=\"black\"/>\n",
              from, barY + 5, to, from, barY + 2, barY + 9, to, barY + 2, barY + 9));
          labelX = Math.max(labelX, to + 4);
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%,.0f</text>\n", labelX, barY + 9, bar[0]));
      }
      i++;
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
        left, top - 6, left, bottom));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#1f5a99\"/>"
        + "<text x=\"%d\" y=\"%d\">one row per call</text>\n", left, bottom + 26, left + 14, bottom + 35));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#8fb3d9\"/>"
        + "<text x=\"%d\" y=\"%d\">per row, in calls of 256 rows</text>\n", left + 130, bottom + 26, left + 144,
        bottom + 35));
    return svg.append("</svg>\n").toString();
  }

  /** Where {@code value} falls on the logarithmic axis from {@code low} at {@code left} to {@code high}. */
  static int x(double value, int left, int right, double low, double high) {
    double clamped = Math.min(high, Math.max(low, value));
    return left + (int) Math.round((right - left) * Math.log(clamped / low) / Math.log(high / low));
  }
}
