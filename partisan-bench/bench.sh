#!/usr/bin/env bash
# Builds the benchmark and runs it: ./partisan-bench/bench.sh [--quick|--full|--smoke] [--net=auto|netns|loopback]
# Namespaces with added latency need root (and install Debian's libnetfilter-queue-dev and iperf3 themselves).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
echo "== building (tests skipped)"
"$root/mvnw" -q -B -ntp -f "$root/pom.xml" -pl partisan-bench -am install -DskipTests
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
exec java -Dlogback.configurationFile=bench-logback.xml -cp "$classpath" dev.partisan.bench.BenchMain --bench-dir="$here" "$@"
