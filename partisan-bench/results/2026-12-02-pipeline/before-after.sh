#!/usr/bin/env bash
# The pipeline refactor's before/after: the bench's loopback micro family, before and after interleaved
# three times (before, after, before, after, ...), from two built trees:
#   BEFORE=<checkout of the commit before> AFTER=<this checkout> ./before-after.sh
# Build each first: ./mvnw -q -pl partisan-bench -am package -DskipTests (in each tree).
# Then: python3 compare.py (reads before-N.md / after-N.md beside this file).
set -u
out=$(cd "$(dirname "$0")" && pwd)
run() { # tree label i
  local here="$1/partisan-bench"
  local cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
  java -cp "$cp" dev.partisan.bench.BenchMain --bench-dir="$here" --quick --net=loopback --only=micro \
    --out="$out/run-$2-$3" > "$out/run-$2-$3.log" 2>&1
  mv "$out/run-$2-$3/REPORT.md" "$out/$2-$3.md" && rm -rf "$out/run-$2-$3" "$out/run-$2-$3.log"
}
for i in 1 2 3; do
  run "$BEFORE" before "$i"
  run "$AFTER" after "$i"
done
