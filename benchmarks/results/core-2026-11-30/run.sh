#!/usr/bin/env bash
# The leases, read path, rollouts and quality runs of this folder. before.jar is benchmarks.jar built from the
# library before leases were made cheap (with LeaseBenchmark copied in), after.jar from this version.
set -uo pipefail
cd "$(dirname "$0")"
OUT=final; mkdir -p $OUT
J="-f 1 -wi 3 -w 1 -i 5 -r 1"
run() { local jar=$1 name=$2; shift 2; uptime > $OUT/$name.load; java -jar $jar "$@" $J -rf json -rff $OUT/$name.json > $OUT/$name.log 2>&1; uptime >> $OUT/$name.load; }
for which in before after; do
  run $which.jar $which-readpath 'ReadPathBenchmark\.(direct|registryHandle|registryLookup)$' -bm avgt -tu ns -t 1
  run $which.jar $which-lease-avgt 'LeaseBenchmark' -bm avgt -tu ns -t 1
  run $which.jar $which-lease-t1 'LeaseBenchmark\.(keptModel|lease)$' -bm thrpt -tu us -t 1
  run $which.jar $which-lease-t2 'LeaseBenchmark\.(keptModel|lease)$' -bm thrpt -tu us -t 2
done
run after.jar rollout-avgt 'RolloutBenchmark\.(predict|predictCanary|forUnitCanary|forUnitNoCanary)$' -bm avgt -tu ns -t 1
run after.jar rollout-gc 'RolloutBenchmark\.(predict|forUnitCanary)$' -bm avgt -tu ns -t 1 -prof gc
run after.jar lease-gc 'LeaseBenchmark\.(keptModel|lease)$' -bm avgt -tu ns -t 1 -prof gc
run after.jar shadow-sample 'RolloutBenchmark\.(shadowOff|shadowOn)$' -bm sample -tu ns -t 1
run after.jar quality-avgt 'QualityBenchmark\.(predict|predictSampled)$' -bm avgt -tu ns -t 1
run after.jar quality-outcomes 'QualityBenchmark\.recordOutcome$' -bm thrpt -tu us -t 2
echo done
