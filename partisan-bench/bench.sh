#!/usr/bin/env bash
# Builds the benchmark and runs it: ./partisan-bench/bench.sh [--quick|--full|--smoke] [--net=auto|netns|loopback] [--only=...]
# --skip-build runs what the last build left in target/ (e.g. after building under a lock of your own).
# Namespaces with added latency need root (and install Debian's libnetfilter-queue-dev and iperf3 themselves).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=1
args=()
for arg in "$@"; do
  if [[ "$arg" == "--skip-build" ]]; then build=0; else args+=("$arg"); fi
done
if [[ $build == 1 ]]; then
  echo "== building (tests skipped)"
  # package, not install: the class path points at the modules' own jars, nothing goes to ~/.m2
  "$root/mvnw" -q -B -ntp -f "$root/pom.xml" -pl partisan-bench -am package -DskipTests
fi
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
exec java -Dlogback.configurationFile=bench-logback.xml -cp "$classpath" dev.partisan.bench.BenchMain --bench-dir="$here" ${args[@]+"${args[@]}"}
