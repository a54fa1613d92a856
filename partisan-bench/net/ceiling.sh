#!/usr/bin/env bash
# ceiling.sh - raw TCP goodput a -> b in the set-up `netns.sh up` made, with 1
# connection and with 16 parallel connections (iperf3, ~5 s each).
#
#   ceiling.sh [--time SECONDS] [--port PORT]
#
# Prints key=value lines: one_conn_mbps, sixteen_conn_mbps, ratio, and some
# diagnostics (retransmits, delayer CPU, NFQUEUE drops).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH=$(cd "$HERE/.." && pwd)
OUT=${PBENCH_NET_OUT:-$BENCH/target/net}
STATE=$OUT/state
NS_A=pbench-a
NS_B=pbench-b
IP_A=198.18.0.1
IP_B=198.18.0.2

die() { echo "ceiling.sh: error: $*" >&2; exit 1; }
note() { echo "ceiling.sh: $*" >&2; }

SECS=5
PORT=5201
while [[ $# -gt 0 ]]; do
	case $1 in
	--time) [[ $# -ge 2 ]] || die "--time needs a value"; SECS=$2; shift 2 ;;
	--port) [[ $# -ge 2 ]] || die "--port needs a value"; PORT=$2; shift 2 ;;
	-h | --help) sed -n '2,8p' "$0" >&2; exit 2 ;;
	*) die "unknown option: $1" ;;
	esac
done
[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 && $SECS -le 60 ]] || die "--time wants 1..60 seconds"
[[ $PORT =~ ^[0-9]+$ && $PORT -ge 1024 && $PORT -le 65535 ]] || die "--port wants 1024..65535"

[[ ${EUID:-$(id -u)} -eq 0 ]] || die "needs root"
command -v ip >/dev/null 2>&1 || die "ip (iproute2) not found"
ip netns list >/dev/null 2>&1 || die "ip netns not available"
for ns in $NS_A $NS_B; do
	ip netns list | awk '{print $1}' | grep -x -- "$ns" >/dev/null || die "namespace $ns missing: run netns.sh up first"
done
if ! command -v iperf3 >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "iperf3 missing and no apt-get"
	note "installing iperf3 (apt-get)"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null || die "apt-get install iperf3 failed"
fi
command -v python3 >/dev/null 2>&1 || die "python3 needed to read iperf3's JSON"

state_get() { [[ -f $STATE ]] && sed -n "s/^$1=//p" "$STATE" | tail -n 1 || true; }

SERVER_PID=""
stop_server() {
	if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		local i
		for ((i = 0; i < 30; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=""
}
trap stop_server EXIT

# CPU seconds (user+sys) used so far by the delayers; empty without delayers
delayer_cpu() {
	local total=0 p t found=0
	for p in "$(state_get delayer_pid_a)" "$(state_get delayer_pid_b)"; do
		[[ -n $p && -r /proc/$p/stat ]] || continue
		t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")
		total=$((total + t))
		found=1
	done
	[[ $found -eq 1 ]] && echo "$total" || echo ""
}

# kernel-side NFQUEUE drops (queue full + netlink overrun) over both namespaces
nfq_drops() {
	local ns total=0 d
	for ns in $NS_A $NS_B; do
		d=$(ip netns exec "$ns" cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null | awk '{ s += $6 + $7 } END { print s + 0 }')
		total=$((total + d))
	done
	echo "$total"
}

# run_test PARALLEL -> sets R_MBPS R_RTX R_CPU
run_test() {
	local par=$1
	local json=$OUT/iperf3-P$par.json log=$OUT/iperf3-server.log
	mkdir -p "$OUT"
	ip netns exec "$NS_B" iperf3 -s -B "$IP_B" -p "$PORT" -1 >"$log" 2>&1 &
	SERVER_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do # at most 5 s for the listener
		ip netns exec "$NS_B" ss -ltnH "sport = :$PORT" 2>/dev/null | grep . >/dev/null && break
		kill -0 "$SERVER_PID" 2>/dev/null || die "iperf3 server died: $(cat "$log")"
		sleep 0.1
	done
	local hz cpu0 cpu1
	hz=$(getconf CLK_TCK)
	cpu0=$(delayer_cpu)
	local rc=0
	timeout $((SECS + 25)) ip netns exec "$NS_A" iperf3 -c "$IP_B" -B "$IP_A" -p "$PORT" \
		-t "$SECS" -O 1 -P "$par" --connect-timeout 5000 --json >"$json" 2>&1 || rc=$?
	cpu1=$(delayer_cpu)
	stop_server
	[[ $rc -eq 0 ]] || die "iperf3 -P $par failed (exit $rc): $(head -c 400 "$json")"
	local pct=""
	if [[ -n $cpu0 && -n $cpu1 ]]; then
		pct=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / (s + 1) }')
	fi
	local res
	res=$(python3 - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if "error" in d:
    sys.exit("iperf3: " + d["error"])
e = d["end"]
bps = e["sum_received"]["bits_per_second"]
rtx = e.get("sum_sent", {}).get("retransmits", "-")
print(f"{bps / 1e6:.1f} {rtx}")
EOF
) || die "cannot read $json"
	read -r R_MBPS R_RTX <<<"$res"
	R_CPU=${pct:--}
}

drops0=$(nfq_drops)
run_test 1
one=$R_MBPS rtx1=$R_RTX cpu1=$R_CPU
sleep 1
run_test 16
sixteen=$R_MBPS rtx16=$R_RTX cpu16=$R_CPU
drops1=$(nfq_drops)

ratio=$(awk -v a="$one" -v b="$sixteen" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "inf" }')
echo "one_conn_mbps=$one"
echo "sixteen_conn_mbps=$sixteen"
echo "ratio=$ratio"
echo "one_conn_retransmits=$rtx1"
echo "sixteen_conn_retransmits=$rtx16"
echo "delayer_cpu_pct_one=$cpu1"
echo "delayer_cpu_pct_sixteen=$cpu16"
echo "nfqueue_drops=$((drops1 - drops0))"
echo "seconds_per_test=$SECS"
for k in delay_ms queues rate loss tcp_window; do
	echo "setting_$k=$(state_get "$k")"
done
