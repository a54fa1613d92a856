#!/usr/bin/env bash
# netns.sh - two benchmark "hosts" with real network latency on one Linux box.
#
#   netns.sh up [--delay-ms D] [--queues N] [--rate R] [--loss P] [--tcp-window BYTES]
#   netns.sh down
#   netns.sh status
#   netns.sh rtt
#
# Namespaces pbench-a (198.18.0.1/24) and pbench-b (198.18.0.2/24), linked by a
# veth pair, nothing else reachable. The kernel here has no netem qdisc, so the
# one-way delay is made by an NFQUEUE delayer (delayer.c) that holds packets
# arriving on INPUT of each namespace. See README.md in this folder.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH=$(cd "$HERE/.." && pwd)
OUT=${PBENCH_NET_OUT:-$BENCH/target/net}
STATE=$OUT/state
SRC=$HERE/delayer.c
BIN=$OUT/bin/delayer
IPT=${PBENCH_IPTABLES:-iptables}

NS_A=pbench-a
NS_B=pbench-b
IP_A=198.18.0.1
IP_B=198.18.0.2
VETH_A=pb-veth-a
VETH_B=pb-veth-b

die() { echo "netns.sh: error: $*" >&2; exit 1; }
note() { echo "netns.sh: $*" >&2; }

usage() {
	cat >&2 <<'EOF'
usage: netns.sh up [options] | down | status | rtt
  up options:
    --delay-ms D        one-way delay per direction, ms (float; RTT ~ 2*D); 0 = none (default)
    --queues N          delayer NFQUEUE queues per namespace (default 4)
    --rate R            tbf rate limit on both veth ends, e.g. 1gbit, 500mbit
    --loss P            random drop of P percent of incoming packets (per namespace)
    --tcp-window BYTES  cap per-connection TCP buffers (tcp_rmem/tcp_wmem max) in both namespaces
EOF
	exit 2
}

need_root() {
	[[ ${EUID:-$(id -u)} -eq 0 ]] || die "needs root (run as root or with sudo)"
}

# ---- tools --------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
	command -v apt-get >/dev/null 2>&1 || die "missing packages ($*) and no apt-get to install them"
	if [[ $APT_UPDATED -eq 0 ]]; then
		note "installing $* (apt-get)"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
		APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
		die "apt-get install $* failed"
}

ensure_tools() {
	local pkgs=()
	command -v ip >/dev/null 2>&1 || pkgs+=(iproute2)
	command -v tc >/dev/null 2>&1 || pkgs+=(iproute2)
	command -v "$IPT" >/dev/null 2>&1 || pkgs+=(iptables)
	command -v ping >/dev/null 2>&1 || pkgs+=(iputils-ping)
	command -v sysctl >/dev/null 2>&1 || pkgs+=(procps)
	if [[ ${1:-} == build ]]; then
		command -v gcc >/dev/null 2>&1 || pkgs+=(gcc libc6-dev)
		[[ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ]] || pkgs+=(libnetfilter-queue-dev)
		command -v pkg-config >/dev/null 2>&1 || pkgs+=(pkg-config)
	fi
	if [[ ${#pkgs[@]} -gt 0 ]]; then
		# shellcheck disable=SC2207
		pkgs=($(printf '%s\n' "${pkgs[@]}" | sort -u))
		apt_install "${pkgs[@]}"
	fi
	ip netns list >/dev/null 2>&1 || die "ip netns not available (iproute2 without netns support, or no permission)"
}

build_delayer() {
	if [[ -x $BIN && ! $SRC -nt $BIN ]]; then
		return 0
	fi
	mkdir -p "$(dirname "$BIN")"
	local libs
	libs=$(pkg-config --libs libnetfilter_queue 2>/dev/null || echo "-lnetfilter_queue -lnfnetlink")
	note "compiling delayer -> $BIN"
	# shellcheck disable=SC2086
	gcc -O2 -Wall -o "$BIN.tmp" "$SRC" $libs -lpthread || die "compiling $SRC failed"
	mv -f "$BIN.tmp" "$BIN"
}

# ---- state --------------------------------------------------------------------
state_get() { # key -> value ('' if none)
	[[ -f $STATE ]] || return 0
	sed -n "s/^$1=//p" "$STATE" | tail -n 1
}
state_set() {
	mkdir -p "$OUT"
	echo "$1=$2" >>"$STATE"
}

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -x -- "$1" >/dev/null; }

# pid is alive and is our delayer binary
is_delayer_pid() {
	local pid=$1 exe
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $(basename "${exe% (deleted)}") == delayer ]]
}

# ---- down ---------------------------------------------------------------------
stop_delayers() {
	local pids=() p ns
	for p in "$(state_get delayer_pid_a)" "$(state_get delayer_pid_b)"; do
		is_delayer_pid "$p" && pids+=("$p")
	done
	for ns in $NS_A $NS_B; do
		if ns_exists "$ns"; then
			for p in $(ip netns pids "$ns" 2>/dev/null); do
				is_delayer_pid "$p" && pids+=("$p")
			done
		fi
	done
	[[ ${#pids[@]} -gt 0 ]] || return 0
	# shellcheck disable=SC2207
	pids=($(printf '%s\n' "${pids[@]}" | sort -u))
	kill -TERM "${pids[@]}" 2>/dev/null || true
	local i
	for ((i = 0; i < 50; i++)); do # at most 5 s
		local alive=0
		for p in "${pids[@]}"; do is_delayer_pid "$p" && alive=1; done
		[[ $alive -eq 0 ]] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do
		if is_delayer_pid "$p"; then
			note "delayer $p did not stop on SIGTERM, killing"
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
}

do_down() {
	stop_delayers
	local ns p left
	for ns in $NS_A $NS_B; do
		if ns_exists "$ns"; then
			left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
			if [[ -n ${left// /} ]]; then
				note "warning: processes still inside $ns: $left(the namespace lives on until they exit)"
				for p in $left; do ps -o pid=,comm= -p "$p" 2>/dev/null >&2 || true; done
			fi
			ip netns del "$ns" 2>/dev/null || note "warning: could not delete $ns"
		fi
	done
	# the veth pair lives inside the namespaces and disappears with them; this
	# only matters if one was ever left in the root namespace
	ip link del "$VETH_A" 2>/dev/null || true
	ip link del "$VETH_B" 2>/dev/null || true
	local f summary
	for f in "$OUT"/delayer-*.log; do
		[[ -s $f ]] || continue
		summary=$(grep -h '^delayer: delay_ms=' "$f" 2>/dev/null | tail -n 1 || true)
		if [[ -n $summary ]]; then
			echo "$(basename "$f" .log): $summary" >&2
		else
			echo "$(basename "$f" .log): no summary (delayer was killed)" >&2
		fi
	done
	if [[ -f $STATE ]]; then
		mv -f "$STATE" "$STATE.last"
	fi
	return 0
}

# ---- up -----------------------------------------------------------------------
is_num() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
is_zero() { awk -v v="$1" 'BEGIN { exit !(v + 0 == 0) }'; }

UP_DONE=0
up_cleanup() {
	local rc=$?
	if [[ $UP_DONE -ne 1 ]]; then
		note "up failed (exit $rc), removing what it made"
		(do_down) >/dev/null 2>&1 || true
		rm -f "$STATE.last"
	fi
	exit "$rc"
}

start_delayer() { # ns tag queues delay
	local ns=$1 tag=$2 queues=$3 delay=$4 log=$OUT/delayer-$2.log pid i
	: >"$log"
	# setsid: leave the caller's session so a closing terminal does not stop it
	ip netns exec "$ns" setsid "$BIN" -d "$delay" "0-$((queues - 1))" </dev/null >>"$log" 2>&1 &
	pid=$!
	state_set "delayer_pid_$tag" "$pid"
	for ((i = 0; i < 50; i++)); do # at most 5 s
		grep -q '^delayer: ready' "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^delayer: ready' "$log" && kill -0 "$pid" 2>/dev/null ||
		die "delayer in $ns did not start: $(tr '\n' ' ' <"$log")"
	is_delayer_pid "$pid" || die "pid $pid in $ns is not the delayer"
	# the queues must now be bound (the proc file is per network namespace)
	local bound
	bound=$(ip netns exec "$ns" cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null | wc -l)
	[[ $bound -ge $queues ]] || die "delayer in $ns bound $bound of $queues queues"
}

# iptables rules on INPUT of one namespace: loss first, then the delay queues
apply_filters() { # ns veth queues delay loss dispatch
	local ns=$1 dev=$2 queues=$3 delay=$4 loss=$5 dispatch=$6 k
	local ipt=(ip netns exec "$ns" "$IPT" -w)
	if [[ -n $loss ]] && ! is_zero "$loss"; then
		local prob
		prob=$(awk -v p="$loss" 'BEGIN { printf "%.6f", p / 100 }')
		"${ipt[@]}" -A INPUT -i "$dev" -m statistic --mode random --probability "$prob" -j DROP ||
			die "iptables statistic (loss) rule failed in $ns"
	fi
	if ! is_zero "$delay"; then
		if [[ $dispatch == hmark ]]; then
			for ((k = 0; k < queues; k++)); do
				"${ipt[@]}" -A INPUT -i "$dev" -p tcp -m mark --mark $((k + 1)) \
					-j NFQUEUE --queue-num "$k" --queue-bypass ||
					die "iptables NFQUEUE rule failed in $ns"
			done
		fi
		# anything TCP not dispatched above (or all TCP without HMARK)
		if [[ $queues -gt 1 ]]; then
			"${ipt[@]}" -A INPUT -i "$dev" -p tcp -j NFQUEUE --queue-balance "0:$((queues - 1))" \
				--queue-cpu-fanout --queue-bypass || die "iptables NFQUEUE rule failed in $ns"
		else
			"${ipt[@]}" -A INPUT -i "$dev" -p tcp -j NFQUEUE --queue-num 0 --queue-bypass ||
				die "iptables NFQUEUE rule failed in $ns"
		fi
		"${ipt[@]}" -A INPUT -i "$dev" -p icmp -j NFQUEUE --queue-num 0 --queue-bypass ||
			die "iptables NFQUEUE (icmp) rule failed in $ns"
	fi
}

# set a sysctl inside a namespace and read it back (procps sysctl exits 0
# even when the kernel refuses the write)
ns_sysctl() { # ns key value
	ip netns exec "$1" sysctl -q -w "$2=$3" >/dev/null 2>&1 || true
	[[ $(ip netns exec "$1" sysctl -n "$2" 2>/dev/null | tr -s '\t ' ' ') == "$3" ]]
}

set_tcp_window() { # bytes
	local w=$1 ns def_r def_w key
	def_r=$((w < 131072 ? w : 131072))
	def_w=$((w < 16384 ? w : 16384))
	declare -A host
	for key in net.ipv4.tcp_rmem net.ipv4.tcp_wmem net.core.rmem_max net.core.wmem_max; do
		host[$key]=$(sysctl -n "$key" | tr -s '\t ' ' ')
	done
	for ns in $NS_A $NS_B; do
		ns_sysctl "$ns" net.ipv4.tcp_rmem "4096 $def_r $w" ||
			die "cannot set net.ipv4.tcp_rmem in $ns"
		ns_sysctl "$ns" net.ipv4.tcp_wmem "4096 $def_w $w" ||
			die "cannot set net.ipv4.tcp_wmem in $ns"
	done
	for key in net.ipv4.tcp_rmem net.ipv4.tcp_wmem; do
		[[ $(sysctl -n "$key" | tr -s '\t ' ' ') == "${host[$key]}" ]] ||
			die "$key is not per-namespace on this kernel (the host value changed)"
	done
	local per=net.ipv4.tcp_rmem,net.ipv4.tcp_wmem global=""
	for key in net.core.rmem_max net.core.wmem_max; do
		if ns_sysctl "$NS_A" "$key" "$w" && ns_sysctl "$NS_B" "$key" "$w" &&
			[[ $(sysctl -n "$key") == "${host[$key]}" ]]; then
			per+=",$key"
		else
			global+="${global:+,}$key"
			if [[ $(sysctl -n "$key") != "${host[$key]}" ]]; then
				sysctl -q -w "$key=${host[$key]}" || true
				note "warning: $key turned out to be global; host value ${host[$key]} restored"
			fi
		fi
	done
	state_set sysctl_per_netns "$per"
	state_set sysctl_global_only "${global:-none}"
	if [[ -n $global ]]; then
		note "note: $global cannot be set per namespace on this kernel (read-only there;" \
			"left at the host values ${host[net.core.rmem_max]}/${host[net.core.wmem_max]})." \
			"The cap holds for auto-tuned sockets; an explicit SO_RCVBUF/SO_SNDBUF may exceed it"
	fi
}

do_up() {
	local delay=0 queues=4 rate="" loss="" window=""
	while [[ $# -gt 0 ]]; do
		case $1 in
		--delay-ms) [[ $# -ge 2 ]] || usage; delay=$2; shift 2 ;;
		--queues) [[ $# -ge 2 ]] || usage; queues=$2; shift 2 ;;
		--rate) [[ $# -ge 2 ]] || usage; rate=$2; shift 2 ;;
		--loss) [[ $# -ge 2 ]] || usage; loss=$2; shift 2 ;;
		--tcp-window) [[ $# -ge 2 ]] || usage; window=$2; shift 2 ;;
		-h | --help) usage ;;
		*) note "unknown option: $1"; usage ;;
		esac
	done
	is_num "$delay" || die "--delay-ms wants a number of milliseconds, got '$delay'"
	awk -v v="$delay" 'BEGIN { exit !(v <= 60000) }' || die "--delay-ms too large"
	[[ $queues =~ ^[0-9]+$ && $queues -ge 1 && $queues -le 32 ]] || die "--queues wants 1..32, got '$queues'"
	[[ -z $rate || $rate =~ ^[0-9]+(\.[0-9]+)?([kKmMgGtT]?)(bit|bps)$ ]] ||
		die "--rate wants a tc rate like 1gbit or 500mbit, got '$rate'"
	if [[ -n $loss ]]; then
		is_num "$loss" && awk -v v="$loss" 'BEGIN { exit !(v <= 100) }' ||
			die "--loss wants a percentage 0..100, got '$loss'"
	fi
	[[ -z $window || ($window =~ ^[0-9]+$ && $window -ge 4096) ]] ||
		die "--tcp-window wants a byte count >= 4096, got '$window'"

	need_root
	ensure_tools build
	if ns_exists "$NS_A" || ns_exists "$NS_B"; then
		die "$NS_A/$NS_B already exist; run '$0 down' first"
	fi
	if ! is_zero "$delay"; then build_delayer; fi

	trap up_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -p "$OUT"
	rm -f "$STATE" "$OUT"/delayer-*.log
	state_set created "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	state_set kernel "$(uname -r)"

	ip netns add "$NS_A" || die "ip netns add $NS_A failed"
	ip netns add "$NS_B" || die "ip netns add $NS_B failed"
	ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B" ||
		die "cannot create veth pair"
	local ns dev addr
	for ns in $NS_A $NS_B; do
		ip -n "$ns" link set lo up
		# no IPv6 chatter (router/neighbour solicitations) on the link
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
	done
	ip -n "$NS_A" addr add "$IP_A/24" dev "$VETH_A"
	ip -n "$NS_B" addr add "$IP_B/24" dev "$VETH_B"
	ip -n "$NS_A" link set "$VETH_A" up
	ip -n "$NS_B" link set "$VETH_B" up

	# is netem there after all? (tested on the namespace's own loopback)
	local netem=false
	if ip netns exec "$NS_A" tc qdisc add dev lo root netem delay 0ms 2>/dev/null; then
		netem=true
		ip netns exec "$NS_A" tc qdisc del dev lo root 2>/dev/null || true
	fi
	state_set netem_available "$netem"

	if [[ -n $rate ]]; then
		for ns in $NS_A $NS_B; do
			dev=$([[ $ns == "$NS_A" ]] && echo "$VETH_A" || echo "$VETH_B")
			# burst above the 64 KiB GSO size so TSO packets are not split
			ip netns exec "$ns" tc qdisc replace dev "$dev" root tbf rate "$rate" burst 256kb latency 25ms ||
				die "tc tbf rate $rate on $dev failed"
		done
	fi

	if [[ -n $window ]]; then set_tcp_window "$window"; fi

	local dispatch=none
	if ! is_zero "$delay"; then
		# HMARK spreads flows (by address and port) over the queues; NFQUEUE's own
		# --queue-balance hashes addresses only, which puts every flow between
		# the two hosts into a single queue.
		dispatch=hmark
		for ns in $NS_A $NS_B; do
			dev=$([[ $ns == "$NS_A" ]] && echo "$VETH_A" || echo "$VETH_B")
			if ! ip netns exec "$ns" "$IPT" -w -t mangle -A INPUT -i "$dev" -p tcp -j HMARK \
				--hmark-tuple src,dst,sport,dport --hmark-mod "$queues" --hmark-offset 1 \
				--hmark-rnd 0x5eed5eed 2>/dev/null; then
				dispatch=cpu-fanout
			fi
		done
		if [[ $dispatch != hmark ]]; then
			note "warning: iptables HMARK not available; spreading flows over queues by CPU instead"
			for ns in $NS_A $NS_B; do ip netns exec "$ns" "$IPT" -w -t mangle -F INPUT 2>/dev/null || true; done
		fi
	fi
	for ns in $NS_A $NS_B; do
		dev=$([[ $ns == "$NS_A" ]] && echo "$VETH_A" || echo "$VETH_B")
		apply_filters "$ns" "$dev" "$queues" "$delay" "$loss" "$dispatch"
	done

	if ! is_zero "$delay"; then
		start_delayer "$NS_A" a "$queues" "$delay"
		start_delayer "$NS_B" b "$queues" "$delay"
	fi

	state_set delay_ms "$delay"
	state_set queues "$queues"
	state_set rate "${rate:-none}"
	state_set loss "${loss:-0}"
	state_set tcp_window "${window:-none}"
	state_set delayer "$(is_zero "$delay" && echo none || echo nfqueue)"
	state_set queue_dispatch "$dispatch"
	state_set ns_a "$NS_A"
	state_set ns_b "$NS_B"
	state_set ip_a "$IP_A"
	state_set ip_b "$IP_B"

	# the link must work before we call it up
	ip netns exec "$NS_A" ping -q -c 1 -W 2 "$IP_B" >/dev/null ||
		{ [[ -n $loss ]] && ! is_zero "$loss"; } ||
		die "no ping from $IP_A to $IP_B through the new link"

	UP_DONE=1
	trap - EXIT INT TERM HUP
	echo "up: $NS_A=$IP_A $NS_B=$IP_B delay_ms=$delay (rtt ~$(awk -v d="$delay" 'BEGIN{print 2*d}') ms)" \
		"queues=$queues rate=${rate:-none} loss=${loss:-0} tcp_window=${window:-none} state=$STATE"
}

# ---- status / rtt -------------------------------------------------------------
do_status() {
	local up=1 ns
	for ns in $NS_A $NS_B; do
		if ns_exists "$ns"; then
			echo "== namespace $ns"
			ip -n "$ns" -br addr show 2>/dev/null | sed 's/^/  /'
			ip netns exec "$ns" tc qdisc show 2>/dev/null | grep -v 'noqueue' | sed 's/^/  qdisc: /' || true
			ip netns exec "$ns" "$IPT" -w -S INPUT 2>/dev/null | grep -v '^-P' | sed 's/^/  filter: /' || true
			ip netns exec "$ns" "$IPT" -w -t mangle -S INPUT 2>/dev/null | grep -v '^-P' | sed 's/^/  mangle: /' || true
			# queue  pid  waiting  copy_mode copy_range  queue_dropped user_dropped  id  1
			ip netns exec "$ns" cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null |
				awk '{ printf "  nfqueue %s: waiting=%s kernel_dropped=%s netlink_dropped=%s last_id=%s\n", $1, $3, $6, $7, $8 }' || true
		else
			echo "== namespace $ns: absent"
			up=0
		fi
	done
	local tag pid
	for tag in a b; do
		pid=$(state_get "delayer_pid_$tag")
		if [[ -n $pid ]]; then
			if is_delayer_pid "$pid"; then echo "delayer $tag: pid $pid running"; else echo "delayer $tag: pid $pid NOT running"; up=0; fi
		fi
	done
	if [[ -f $STATE ]]; then
		echo "== state $STATE"
		sed 's/^/  /' "$STATE"
	else
		echo "== no state file ($STATE)"
	fi
	[[ $up -eq 1 && -f $STATE ]]
}

do_rtt() {
	need_root
	ns_exists "$NS_A" && ns_exists "$NS_B" || die "not up (run '$0 up' first)"
	local out
	# -U: user-to-user time. Plain ping takes the receive time stamp of the
	# reply when it enters the stack, before the INPUT queue holds it.
	out=$(timeout 20 ip netns exec "$NS_A" ping -U -c 20 -i 0.05 -w 15 "$IP_B" 2>&1) || true
	local line
	line=$(grep -E '^(rtt|round-trip)' <<<"$out" || true)
	[[ -n $line ]] || die "ping got no replies: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
	local stats
	stats=$(sed -E 's|.*= *([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+).*|\1 \2 \3 \4|' <<<"$line")
	read -r mn avg mx mdev <<<"$stats"
	local lossline
	lossline=$(grep -E 'packets transmitted' <<<"$out" | sed -E 's/.* ([0-9.]+)% packet loss.*/\1/')
	echo "rtt_avg_ms=$avg"
	echo "rtt_min_ms=$mn"
	echo "rtt_max_ms=$mx"
	echo "rtt_mdev_ms=$mdev"
	echo "ping_loss_pct=$lossline"
	echo "delay_ms_setting=$(state_get delay_ms)"
}

cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
up) do_up "$@" ;;
down)
	[[ $# -eq 0 ]] || usage
	need_root
	do_down
	if ns_exists "$NS_A" || ns_exists "$NS_B"; then die "namespaces still present after down"; fi
	echo "down: $NS_A/$NS_B removed"
	;;
status)
	[[ $# -eq 0 ]] || usage
	need_root
	do_status
	;;
rtt)
	[[ $# -eq 0 ]] || usage
	do_rtt
	;;
*) usage ;;
esac
