#!/usr/bin/env bash
# Runs the whole JMH suite the way benchmarks/README.md reports it (one run, one JSON file).
# Build first: mvn -B verify   (or: mvn -B -o -q package -pl core,benchmarks -am -DskipTests)
# Usage: benchmarks/run-suite.sh [label]     extra JMH options via JMH_OPTS
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results
mkdir -p "$out"
label=${1:-$(date -u +%Y%m%dT%H%MZ)}
{
  echo "start: $(date -u)"; echo "nproc: $(nproc)"; java -version 2>&1
  grep -m1 "model name" /proc/cpuinfo; echo "load at start: $(cat /proc/loadavg)"
} > "$out/machine-$label.txt"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc \
  -rf json -rff "$out/jmh-$label.json" ${JMH_OPTS:-} 2>&1 | tee "$out/jmh-$label.log"
{ echo "load at end: $(cat /proc/loadavg)"; echo "end: $(date -u)"; } >> "$out/machine-$label.txt"
python3 benchmarks/summarize.py "$out/jmh-$label.json" > "$out/summary-$label.md" || true
