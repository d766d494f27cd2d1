#!/usr/bin/env bash
# Runs the JMH benchmarks, writes raw results (JSON) and the machine they ran on into benchmarks/results/,
# then turns them into results.md (the README's tables) and read-path.svg (the chart).
#
#   benchmarks/run-benchmarks.sh            # 1 and 2 threads, as on a 2-core machine
#   THREADS="1 2 4 8" benchmarks/run-benchmarks.sh    # on a bigger machine (or pass -t max to JMH yourself)
#   FORKS=3 benchmarks/run-benchmarks.sh    # more forks for tighter error bars
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-1 2}"
FORKS="${FORKS:-1}"
# The scaling figures compare runs; more forks average out run-to-run layout and scheduling effects.
SCALING_FORKS="${SCALING_FORKS:-3}"
OUT=benchmarks/results

mvn -B -q -DskipTests -pl benchmarks -am package
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/trees/*.json

{
  echo "# Machine"
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores visible)"
  echo "- Memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- OS: $(uname -sr)"
  echo "- JDK: $(java -version 2>&1 | head -1)"
  echo "- JMH forks: $FORKS ($SCALING_FORKS for read-path throughput); threads: $THREADS"
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$OUT/machine.md"

run() {
  local name="$1"; shift
  java -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json"
}

run read-path-avgt 'ReadPathBenchmark' -bm avgt -t 1 -tu ns -f "$FORKS"
for t in $THREADS; do
  run "read-path-thrpt-$t" 'ReadPathBenchmark\.(direct|registry.*|volatileField|synchronizedGetter|readWriteLockManager)$' \
      -bm thrpt -t "$t" -f "$SCALING_FORKS"
done
run predict 'PredictBenchmark' -f "$FORKS"
run swap 'SwapBenchmark' -f "$FORKS"
run swap-latency 'SwapLatencyBenchmark' -f "$FORKS"

# Tree ensembles: every implementation on one XGBoost model, allocation per call, and threads. Kept apart in
# trees/ (with the machine's load before and after, which these CPU-bound numbers depend on).
mkdir -p "$OUT/trees"
uptime > "$OUT/trees/load.txt"
run trees/trees 'TreesBenchmark' -f "$FORKS"
run trees/trees-gc 'TreesBenchmark' -p impl=trees -prof gc -f "$FORKS"
for t in $THREADS; do
  run "trees/trees-thrpt-$t" 'TreesBenchmark' -p impl=trees,xgboost4j -p rows=1 -bm thrpt -tu us -t "$t" -f "$FORKS"
done
uptime >> "$OUT/trees/load.txt"

java -cp "$JAR" dev.modelregistry.benchmarks.ResultsReport "$OUT"
