package dev.modelregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns JMH JSON results ({@code -rf json}) into the README's tables ({@code results.md}) and a chart of
 * read-path throughput against threads ({@code read-path.svg}). Usage: {@code java -cp benchmarks.jar
 * dev.modelregistry.benchmarks.ResultsReport <results folder>}; every {@code *.json} in the folder is read.
 */
public final class ResultsReport {

  private static final String PKG = "dev.modelregistry.benchmarks.";
  private static final List<String> READ_PATH = List.of("direct", "registryHandle", "registryLookup",
      "registryHandleWithStats", "volatileField", "synchronizedGetter", "readWriteLockManager");

  private static final Map<String, String> CHART_LABELS = Map.of(
      "direct", "direct call",
      "registryHandle", "registry (kept Model)",
      "registryLookup", "registry.current(name)",
      "registryHandleWithStats", "with prediction stats",
      "volatileField", "volatile field",
      "synchronizedGetter", "synchronized getter",
      "readWriteLockManager", "read-write-lock map");

  private final List<JsonNode> results = new ArrayList<>();

  private ResultsReport() {}

  /** Writes {@code results.md} and {@code read-path.svg} into the folder. */
  public static void main(String[] args) throws IOException {
    Path folder = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
    ResultsReport report = new ResultsReport();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        for (JsonNode result : JsonMapper.builder().build().readTree(file.toFile())) {
          report.results.add(result);
        }
      }
    }
    Files.writeString(folder.resolve("results.md"), report.markdown());
    Files.writeString(folder.resolve("read-path.svg"), report.chart());
    System.out.println("wrote " + folder.resolve("results.md") + " and " + folder.resolve("read-path.svg")
        + " from " + report.results.size() + " results");
  }

  // ------------------------------------------------------------------ lookups

  private Optional<JsonNode> find(String benchmark, String mode, int threads, Map<String, String> params) {
    return results.stream()
        .filter(r -> r.path("benchmark").asText().equals(PKG + benchmark))
        .filter(r -> r.path("mode").asText().equals(mode))
        .filter(r -> threads <= 0 || r.path("threads").asInt() == threads)
        .filter(r -> params.entrySet().stream().allMatch(p -> r.path("params").path(p.getKey()).asText().equals(p.getValue())))
        .reduce((first, second) -> second);
  }

  /** The score, in ns per call for time modes and calls per µs for throughput, whatever unit JMH used. */
  private Optional<Double> score(String benchmark, String mode, int threads, Map<String, String> params) {
    return find(benchmark, mode, threads, params).map(r -> normalized(r.path("primaryMetric")));
  }

  static double normalized(JsonNode metric) {
    return metric.path("score").asDouble() * factor(metric.path("scoreUnit").asText());
  }

  /** Converts a JMH unit to ns/op (time) or ops/µs (throughput). */
  static double factor(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      case "ops/ns" -> 1e3;
      case "ops/us" -> 1;
      case "ops/ms" -> 1e-3;
      case "ops/s" -> 1e-6;
      default -> throw new IllegalArgumentException("unknown JMH unit " + unit);
    };
  }

  private Optional<JsonNode> secondary(String benchmark, String metric, String mode, Map<String, String> params) {
    return find(benchmark, mode, 0, params).map(r -> r.path("secondaryMetrics").path(metric));
  }

  // ------------------------------------------------------------------ markdown

  String markdown() {
    StringBuilder md = new StringBuilder();
    results.stream().findFirst().ifPresent(r -> md.append("JDK ").append(r.path("jdkVersion").asText())
        .append(" (").append(r.path("vmName").asText()).append("), ").append(r.path("forks").asInt())
        .append(" fork(s).\n\n"));

    md.append("**Read path, linear model** (ns per call, 1 thread; lower is better)\n\n")
        .append("| implementation | ns/call | over direct |\n|---|---:|---:|\n");
    double direct = score("ReadPathBenchmark.direct", "avgt", 1, Map.of()).orElse(Double.NaN);
    for (String name : READ_PATH) {
      score("ReadPathBenchmark." + name, "avgt", 1, Map.of()).ifPresent(ns -> md.append(String.format(Locale.ROOT,
          "| %s | %.1f | %+.1f |\n", name, ns, ns - direct)));
    }

    md.append("\n**Read path throughput** (calls per µs, all threads; higher is better)\n\n")
        .append("| implementation | 1 thread | 2 threads | 2 / 1 |\n|---|---:|---:|---:|\n");
    for (String name : READ_PATH) {
      Optional<Double> one = score("ReadPathBenchmark." + name, "thrpt", 1, Map.of());
      Optional<Double> two = score("ReadPathBenchmark." + name, "thrpt", 2, Map.of());
      if (one.isPresent()) {
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |\n", name, one.get(),
            two.map(t -> String.format(Locale.ROOT, "%.1f", t)).orElse("–"),
            two.map(t -> String.format(Locale.ROOT, "%.2f×", t / one.get())).orElse("–")));
      }
    }
    for (String name : List.of("registryLookup", "registryHandle")) {
      Optional<Double> registry = score("ReadPathBenchmark." + name, "thrpt", 2, Map.of());
      Optional<Double> rw = score("ReadPathBenchmark.readWriteLockManager", "thrpt", 2, Map.of());
      if (registry.isPresent() && rw.isPresent()) {
        md.append(String.format(Locale.ROOT, "\nAt 2 threads %s does %.1f× the calls of the read-write-lock manager.\n",
            name, registry.get() / rw.get()));
      }
    }
    md.append("\n**Lookups alone** (ns per lookup, 1 thread)\n\n| lookup | ns |\n|---|---:|\n");
    for (String name : List.of("lookupRegistry", "lookupVolatileField", "lookupSynchronizedGetter",
        "lookupReadWriteLockManager")) {
      score("ReadPathBenchmark." + name, "avgt", 1, Map.of()).ifPresent(ns -> md.append(String.format(Locale.ROOT,
          "| %s | %.1f |\n", name, ns)));
    }

    md.append("\n**Predictions, direct against through the registry** (µs per call, 1 thread)\n\n")
        .append("| framework | rows | direct | registry | over direct |\n|---|---:|---:|---:|---:|\n");
    for (String framework : List.of("linear", "xgboost", "onnx")) {
      for (String rows : List.of("1", "256")) {
        Map<String, String> params = Map.of("framework", framework, "rows", rows);
        Optional<Double> d = score("PredictBenchmark.direct", "avgt", 1, params);
        Optional<Double> r = score("PredictBenchmark.registry", "avgt", 1, params);
        if (d.isPresent() && r.isPresent()) {
          md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %+.3f |\n", framework, rows, d.get() / 1e3,
              r.get() / 1e3, (r.get() - d.get()) / 1e3));
        }
      }
    }

    md.append("\n**Readers while a writer swaps** (reader calls per µs, 1 reader and 1 writer thread)\n\n")
        .append("| writer | reader calls/µs (± 99.9% error) | against no swaps |\n|---|---:|---:|\n");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("none", "no swaps (parks 1 ms)");
    labels.put("1ms", "swaps every 1 ms");
    labels.put("spin", "no swaps (spins, control for 10 µs)");
    labels.put("10us", "swaps every 10 µs (spins)");
    Optional<Double> base = readerThroughput("none");
    Optional<Double> spinBase = readerThroughput("spin");
    for (Map.Entry<String, String> label : labels.entrySet()) {
      Optional<Double> value = readerThroughput(label.getKey());
      Optional<Double> error = secondary("SwapBenchmark.throughput", "reader", "thrpt", Map.of("interval", label.getKey()))
          .filter(m -> !m.isMissingNode())
          .map(m -> m.path("scoreError").asDouble() * factor(m.path("scoreUnit").asText()));
      Optional<Double> against = label.getKey().equals("10us") ? spinBase : base;
      value.ifPresent(v -> md.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %s |\n", label.getValue(), v,
          error.orElse(Double.NaN), against.map(b -> String.format(Locale.ROOT, "%.1f%%", 100 * v / b)).orElse("–"))));
    }
    Optional<Double> alone = score("SwapLatencyBenchmark.alone", "avgt", 0, Map.of());
    Optional<Double> underLoad = secondary("SwapLatencyBenchmark.underLoad", "swapWhileReading", "avgt", Map.of())
        .filter(m -> !m.isMissingNode()).map(ResultsReport::normalized);
    if (alone.isPresent() || underLoad.isPresent()) {
      md.append(String.format(Locale.ROOT, "\nOne swap, the writer's side: %s ns back to back with no reader, %s ns"
          + " while a reader predicts all the time.\n", alone.map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("–"),
          underLoad.map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("–")));
    }

    md.append("\n**Prediction latency** (ns, linear model, 1 reader)\n\n")
        .append("| writer | p50 | p99 | p99.9 |\n|---|---:|---:|---:|\n");
    for (String interval : List.of("none", "1ms")) {
      secondary("SwapBenchmark.latency", "sampledReader", "sample", Map.of("interval", interval))
          .ifPresent(m -> {
            double unit = factor(m.path("scoreUnit").asText());
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |\n",
                interval.equals("none") ? "no swaps" : "swaps every 1 ms",
                unit * m.path("scorePercentiles").path("50.0").asDouble(),
                unit * m.path("scorePercentiles").path("99.0").asDouble(),
                unit * m.path("scorePercentiles").path("99.9").asDouble()));
          });
    }
    return md.toString();
  }

  private Optional<Double> readerThroughput(String interval) {
    return secondary("SwapBenchmark.throughput", "reader", "thrpt", Map.of("interval", interval))
        .filter(m -> !m.isMissingNode())
        .map(ResultsReport::normalized);
  }

  // ------------------------------------------------------------------ chart

  String chart() {
    int width = 900;
    int height = 380;
    int left = 60;
    int bottom = 300;
    int top = 40;
    double highest = 0;
    Map<String, double[][]> bars = new LinkedHashMap<>();
    for (String name : READ_PATH) {
      double[][] bar = new double[2][];
      for (int t = 0; t < 2; t++) {
        bar[t] = find("ReadPathBenchmark." + name, "thrpt", t + 1, Map.of())
            .map(r -> new double[] {normalized(r.path("primaryMetric")), error(r.path("primaryMetric"))})
            .orElse(new double[] {0, 0});
        highest = Math.max(highest, bar[t][0] + bar[t][1]);
      }
      bars.put(name, bar);
    }
    double step = tickStep(highest, 5);
    double max = Math.max(step, Math.ceil(highest / step) * step);
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"10\">\n"
            + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            + "<text x=\"%d\" y=\"20\" font-size=\"14\">Read path throughput, linear model (calls/µs, higher is better;"
            + " bars: mean, whiskers: 99.9%% confidence interval)</text>\n",
        width, height, left));
    for (int tick = 0; tick * step <= max + step / 1e6; tick++) {
      double value = tick * step;
      int y = bottom - (int) Math.round((bottom - top) * value / max);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n", left, y, width - 10, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 5, y + 4,
          tickLabel(value, step)));
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", left, top, left, bottom));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", left, bottom, width - 10, bottom));
    int group = (width - left - 20) / bars.size();
    int i = 0;
    for (Map.Entry<String, double[][]> bar : bars.entrySet()) {
      int x = left + 10 + i * group;
      for (int t = 0; t < 2; t++) {
        double value = bar.getValue()[t][0];
        double error = bar.getValue()[t][1];
        int h = (int) Math.round((bottom - top) * value / max);
        int center = x + t * (group / 3) + group / 6 - 2;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
            x + t * (group / 3), bottom - h, group / 3 - 4, h, t == 0 ? "#8fb3d9" : "#1f5a99"));
        int labelY = bottom - h - 3;
        if (error > 0) {
          int high = bottom - (int) Math.round((bottom - top) * (value + error) / max);
          int low = bottom - (int) Math.round((bottom - top) * Math.max(0, value - error) / max);
          svg.append(String.format(Locale.ROOT, "<path d=\"M%d %dV%dM%d %dH%dM%d %dH%d\" stroke=\"black\" fill=\"none\"/>\n",
              center, low, high, center - 4, high, center + 4, center - 4, low, center + 4));
          labelY = Math.min(labelY, high - 3);
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n",
            center, labelY, value));
      }
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
          x + group / 3, bottom + 16, CHART_LABELS.getOrDefault(bar.getKey(), bar.getKey())));
      i++;
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#8fb3d9\"/><text x=\"%d\" y=\"%d\">1 thread</text>\n",
        left, height - 40, left + 14, height - 31));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#1f5a99\"/><text x=\"%d\" y=\"%d\">2 threads</text>\n",
        left + 90, height - 40, left + 104, height - 31));
    return svg.append("</svg>\n").toString();
  }

  /** JMH's 99.9% confidence half-width in the units of {@link #normalized}, or 0 when it has none (one fork, one iteration). */
  static double error(JsonNode metric) {
    double error = metric.path("scoreError").asDouble(Double.NaN);
    return Double.isFinite(error) ? error * factor(metric.path("scoreUnit").asText()) : 0;
  }

  /**
   * A round step, 1, 2 or 5 times a power of ten, the one nearest to dividing {@code 0..highest} into
   * {@code ticks} parts (Heckbert's "nice numbers").
   */
  static double tickStep(double highest, int ticks) {
    if (!(highest > 0)) {
      return 1;
    }
    double raw = highest / ticks;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double residual = raw / magnitude;
    double nice = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10;
    return nice * magnitude;
  }

  /** A tick label with as many decimals as the step needs: {@code 20}, {@code 2.5}, {@code 0.05}. */
  static String tickLabel(double value, double step) {
    int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
