#!/usr/bin/env bash
# SmokeTrace's network lab: real BGP routers and a real SmokeTrace daemon in network
# namespaces. Adapted from the team's shared lab recipe (lab/lab.sh, see README.md here).
#
#   probe ── r1 ── r2 ── tgt            short path (3 hops)      probe: SmokeTrace daemon, FerretDB,
#             └─ r3 ── r4 ─┘            long path  (5 hops)             ExaBGP (+ exabgp-bridge), gobgpd
#
# usage: lab.sh up | down | status | id | cleanup-stale [--all]
#               flip long|short|cut|restore | target down|up
#               degrade LINK DELAY_MS LOSS_PCT | degrade LINK clear | degrade clear     (NFQUEUE program)
#               loss LINK PCT | loss LINK clear                                       (iptables statistic)
#               ratelimit on|off [ROUTER]     (ICMP time-exceeded rate limit, default r2)
#               ecmp on|off                   (r1: 10.99.100.10/32 over r2 and r3, L4 hash)
#               unrelated announce|withdraw   (10.99.200.0/24 from gobgpd: touches no target's path)
#               restart-daemon                (SIGTERM the daemon, start it again; routers and ExaBGP stay up)
#               trace [4|6] | nsexec NODE CMD.. | vtysh ARGS.. | birdc rN ARGS.. | gobgp ARGS..
# LINK is rA-rB (also probe-r1, r2-tgt): packets FORWARDED by rA out of its interface towards rB.
# env:  LAB_ID       lab instance (namespaces st-lab-$LAB_ID-*); 'up' picks a random one when unset and
#                    records it in /tmp/st-lab-last, which later commands use when LAB_ID is unset
#       LAB_DIR      state directory (default /tmp/st-lab-$LAB_ID): conf/, run/ (logs, pids, sockets)
#       LAB_DAEMON=1 start FerretDB + the SmokeTrace daemon in the probe namespace (0: routers only)
#       LAB_OWNER_PID  pid of the process owning the lab: cleanup-stale removes labs whose owner is gone
#       LAB_FERRETDB FerretDB binary (default $HOME/.cache/smoketrace-ci/bin/ferretdb, built by .ci/run)
#       LAB_API_TOKEN the daemon's API token (default: random, written to run/api-token)
# Traffic stays inside the namespaces; the daemon's HTTP API is reached through a unix socket
# bridge, run/http.sock (unix sockets are not tied to a network namespace).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TOOLS=$HERE/tools
PREFIX=st-lab
LAST=/tmp/$PREFIX-last
if [[ -z ${LAB_ID:-} ]]; then
  if [[ ${1:-} == up ]]; then LAB_ID=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
  elif [[ -f $LAST ]]; then LAB_ID=$(cat "$LAST")
  else LAB_ID=none; fi
fi
[[ $LAB_ID =~ ^[a-z0-9]{1,8}$ ]] || { echo "LAB_ID must be 1-8 of [a-z0-9]" >&2; exit 2; }
P=$PREFIX-$LAB_ID
LAB=${LAB_DIR:-/tmp/$P}
RUN=$LAB/run
CONF=$LAB/conf
ROLES=(probe r1 r2 r3 r4 tgt)
TARGET4=10.99.100.10
TARGET6=2001:db8:100::10
UNRELATED4=10.99.200.0/24
HTTP_PORT=8080 BMP_PORT=11019 FEED_PORT=11020 MONGO_PORT=27017 GOBGP_API=127.0.0.1:50051
: "${LAB_DAEMON:=1}"
: "${LAB_FERRETDB:=$HOME/.cache/smoketrace-ci/bin/ferretdb}"
NODE=$(command -v node)
PY=/usr/bin/python3   # the system python (stdlib only); a pyenv shim may not work inside ip netns exec

log() { printf '[lab %s %s] %s\n' "$LAB_ID" "$(date +%T.%3N)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ns() { echo "$P-$1"; }
nsx() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }
ipn() { local n; n=$(ns "$1"); shift; ip -n "$n" "$@"; }

# start NAME ROLE CMD...: run CMD in ROLE's namespace in the background (own session), log run/log/NAME.log
start() {
  local name=$1 role=$2; shift 2
  mkdir -p "$RUN/log" "$RUN/pids"
  ( cd "$ROOT" && exec setsid ip netns exec "$(ns "$role")" "$@" >>"$RUN/log/$name.log" 2>&1 </dev/null ) &
  echo $! >"$RUN/pids/$name.pid"
}
# A daemon outlives lab.sh and stays a zombie until PID 1 reaps it: kill -0 is no liveness test.
pid_running() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ -n $st && $st != Z && $st != X ]]; }
alive() { [[ -f $RUN/pids/$1.pid ]] && pid_running "$(cat "$RUN/pids/$1.pid")"; }
stop() { # stop NAME [SIGNAL]: signal by recorded pid, wait at most 5 s, then SIGKILL
  local f=$RUN/pids/$1.pid pid i
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if pid_running "$pid"; then
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do pid_running "$pid" || break; sleep 0.1; done
    pid_running "$pid" && { log "$1 ($pid) did not exit, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$f"
}
wait_for() { # wait_for WHAT TRIES NAP CMD...: bounded poll
  local what=$1 tries=$2 nap=$3 i; shift 3
  for ((i = 0; i < tries; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep "$nap"; done
  log "timeout waiting for: $what"; return 1
}
preflight() {
  [[ $(id -u) == 0 ]] || die "the lab needs root (network namespaces, veth, iptables): run as root"
  ip netns list >/dev/null 2>&1 || die "'ip netns' does not work here (iproute2 missing or no netns support)"
  local b
  for b in bird birdc vtysh gobgpd gobgp exabgp traceroute iptables ip6tables socat curl; do
    command -v "$b" >/dev/null || die "$b is not installed (apt-get install frr bird2 gobgpd exabgp traceroute iptables socat curl)"
  done
  [[ -x /usr/lib/frr/zebra && -x /usr/lib/frr/bgpd ]] || die "FRR is not installed (apt-get install frr)"
  [[ $LAB_DAEMON == 0 || -x $LAB_FERRETDB ]] || die "no FerretDB at $LAB_FERRETDB (run .ci/run once, or .ci/build-ferretdb.sh v1.24.2 \$LAB_FERRETDB)"
}

# ---------------------------------------------------------------- topology
mkns() {
  local n; n=$(ns "$1")
  ip netns add "$n"
  nsx "$1" ip link set lo up
  # Pitfalls 5 and 6 of the recipe: keep v6 addresses on link down, no DAD, hop = ingress address, no ICMP rate limits.
  nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1 \
    net.ipv4.icmp_errors_use_inbound_ifaddr=1 net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
    net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1
}
# link ROLE_A IF_A ADDR4_A ADDR6_A ROLE_B IF_B ADDR4_B ADDR6_B (created inside ROLE_A's namespace: no host-side names)
link() {
  ipn "$1" link add "$2" type veth peer name "$6" netns "$(ns "$5")"
  ipn "$1" addr add "$3" dev "$2"; ipn "$1" addr add "$4" dev "$2" nodad
  ipn "$5" addr add "$7" dev "$6"; ipn "$5" addr add "$8" dev "$6" nodad
  ipn "$1" link set "$2" up; ipn "$5" link set "$6" up
}
topology() {
  local r
  for r in "${ROLES[@]}"; do mkns "$r"; done
  link probe eth-r1 10.99.1.2/24 2001:db8:1::2/64 r1 eth-probe 10.99.1.1/24 2001:db8:1::1/64
  ipn probe addr add 10.99.1.3/24 dev eth-r1            # gobgpd's address (ExaBGP and the daemon use .2)
  ipn probe addr add 2001:db8:1::3/64 dev eth-r1 nodad
  link r1 eth-r2 10.99.12.1/24 2001:db8:12::1/64 r2 eth-r1 10.99.12.2/24 2001:db8:12::2/64
  link r1 eth-r3 10.99.13.1/24 2001:db8:13::1/64 r3 eth-r1 10.99.13.3/24 2001:db8:13::3/64
  link r3 eth-r4 10.99.34.3/24 2001:db8:34::3/64 r4 eth-r3 10.99.34.4/24 2001:db8:34::4/64
  link r4 eth-r2 10.99.24.4/24 2001:db8:24::4/64 r2 eth-r4 10.99.24.2/24 2001:db8:24::2/64
  link r2 eth-tgt 10.99.100.1/24 2001:db8:100::1/64 tgt eth-r2 10.99.100.10/24 2001:db8:100::10/64
  ipn probe route add default via 10.99.1.1 src 10.99.1.2
  ipn probe -6 route add default via 2001:db8:1::1 src 2001:db8:1::2
  ipn tgt route add default via 10.99.100.1
  ipn tgt -6 route add default via 2001:db8:100::1
}

# ---------------------------------------------------------------- configs
gen_configs() {
  mkdir -p "$CONF"/{r1,r2,r3,r4,exabgp,gobgp}
  sed -e "s|@RUN@|$RUN|g" "$HERE/conf/r1-zebra.conf" >"$CONF/r1/zebra.conf"
  sed -e "s|@RUN@|$RUN|g" -e "s|@BMP_PORT@|$BMP_PORT|g" "$HERE/conf/r1-bgpd.conf" >"$CONF/r1/bgpd.conf"
  bird_conf r2 65002 "r1_v4|10.99.12.1|65001|ipv4|all r1_v6|2001:db8:12::1|65001|ipv6|all r4_v4|10.99.24.4|65004|ipv4|all r4_v6|2001:db8:24::4|65004|ipv6|all"
  # Pitfall 7: BIRD advertises only its best route; r3 must prefer r4 (not r1) for the target or it never offers r1 the long path.
  bird_conf r3 65003 "r1_v4|10.99.13.1|65001|ipv4|filter_target_lp50 r1_v6|2001:db8:13::1|65001|ipv6|filter_target_lp50 r4_v4|10.99.34.4|65004|ipv4|all r4_v6|2001:db8:34::4|65004|ipv6|all"
  bird_conf r4 65004 "r3_v4|10.99.34.3|65003|ipv4|all r3_v6|2001:db8:34::3|65003|ipv6|all r2_v4|10.99.24.2|65002|ipv4|all r2_v6|2001:db8:24::2|65002|ipv6|all"
  sed -e "s|@BMP_PORT@|$BMP_PORT|g" -e "s|@GOBGP_API@|$GOBGP_API|g" "$HERE/conf/gobgpd.toml" >"$CONF/gobgp/gobgpd.toml"
  sed -e "s|@RUN@|$RUN|g" "$HERE/conf/exabgp.env" >"$CONF/exabgp/exabgp.env"
  # ExaBGP starts its api process itself, without a shell: SmokeTrace's bridge, run from source through tsx.
  # --drain-ms 500: on 'down' the daemon is gone already, and ExaBGP waits for the bridge before exiting.
  local bridge="$NODE --import file://$ROOT/node_modules/tsx/dist/loader.mjs $ROOT/src/cli.ts exabgp-bridge --to tcp://127.0.0.1:$FEED_PORT --drain-ms 500"
  sed -e "s|@RUN_API@|${LAB_EXABGP_RUN:-$bridge}|g" "$HERE/conf/exabgp.conf" >"$CONF/exabgp/exabgp.conf"
  sed -e "s|@RUN@|$RUN|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@BMP_PORT@|$BMP_PORT|g" -e "s|@FEED_PORT@|$FEED_PORT|g" \
    -e "s|@MONGO_PORT@|$MONGO_PORT|g" -e "s|@TOKEN@|$(cat "$RUN/api-token")|g" -e "s|@LAB_ID@|$LAB_ID|g" \
    "$HERE/conf/smoketrace.yaml" >"$CONF/smoketrace.yaml"
}
bird_conf() { # bird_conf NAME ASN "peer|ip|asn|afi|import-filter ..."
  local name=$1 asn=$2 peers=$3 p pname ip pasn afi imp
  {
    echo "log \"$RUN/$name/bird.log\" all;"
    echo "router id 10.99.255.${name#r};"
    cat "$HERE/conf/bird-common.conf"
    echo "template bgp peer { local as $asn; hold time 9; keepalive time 3; connect delay time 1; connect retry time 2; error wait time 1, 5; }"
    for p in $peers; do
      IFS='|' read -r pname ip pasn afi imp <<<"$p"
      [[ $imp == all ]] || imp="filter ${imp}_$afi"
      echo "protocol bgp $pname from peer { neighbor $ip as $pasn; $afi { import $imp; export all; }; }"
    done
  } >"$CONF/$name/bird.conf"
}

# ---------------------------------------------------------------- daemons
daemon_has_feeds() {
  local h
  h=$(curl -sf --max-time 5 --unix-socket "$RUN/http.sock" "http://lab/api/prefixes/10.99.100.0%2F24/history") || return 1
  [[ $h == *'"router":"exabgp"'* && $h == *'"router":"127.0.0.1"'* && $h == *'"router":"10.99.1.1"'* ]]
}
daemon_started_or_dead() { grep -q '"msg":"smoketrace started"' "$RUN/log/daemon.log" 2>/dev/null || ! alive daemon; }
start_smoketrace() {
  mkdir -p "$RUN/ferret" "$RUN/data"
  start ferretdb probe "$LAB_FERRETDB" --handler=sqlite --sqlite-url="file:$RUN/ferret/" --state-dir="$RUN/ferret" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --telemetry=disable --debug-addr=- --log-level=error
  wait_for "FerretDB on 127.0.0.1:$MONGO_PORT" 100 0.1 nsx probe bash -c "exec 3<>/dev/tcp/127.0.0.1/$MONGO_PORT" \
    || die "FerretDB did not start: $(tail -3 "$RUN/log/ferretdb.log")"
  start_daemon
  start http-bridge probe socat "UNIX-LISTEN:$RUN/http.sock,fork,mode=600" "TCP:127.0.0.1:$HTTP_PORT"
}
start_daemon() {
  # The generated config must win: drop the environment overrides a caller may have set (e.g. .ci/run's
  # MONGODB_URI points at the host's loopback, which the probe namespace cannot reach).
  local unset=() v
  for v in MONGODB_URI SMOKETRACE_DATA_DIR SMOKETRACE_HTTP_HOST SMOKETRACE_HTTP_PORT SMOKETRACE_API_TOKEN SMOKETRACE_LOG_LEVEL \
    SMOKETRACE_VANTAGE SMOKETRACE_WAIT_FOR_DB SMOKETRACE_BMP_PORT SMOKETRACE_EXABGP_PORT; do unset+=(-u "$v"); done
  start daemon probe env "${unset[@]}" "$NODE" --import tsx "$ROOT/src/cli.ts" start --config "$CONF/smoketrace.yaml"
  wait_for "SmokeTrace daemon" 240 0.25 daemon_started_or_dead || true
  alive daemon || die "the SmokeTrace daemon exited: $(tail -5 "$RUN/log/daemon.log")"
  grep -q '"msg":"smoketrace started"' "$RUN/log/daemon.log" || die "the SmokeTrace daemon did not start in 60 s: $(tail -5 "$RUN/log/daemon.log")"
}
# restart-daemon: SIGTERM the daemon, start it again (same config, data and FerretDB); routers, ExaBGP
# and its bridge stay up. Returns once the new daemon logged its start.
cmd_restart_daemon() {
  stop daemon
  mv "$RUN/log/daemon.log" "$RUN/log/daemon.log.$(date +%s)"
  start_daemon
  log "daemon restarted"
}
start_routers() {
  mkdir -p "$RUN"/{r1,r2,r3,r4}
  chown frr:frr "$RUN/r1" # Pitfall 2: FRR daemons drop to user frr (as root: "user(root) is not part of vty group")
  local r
  for r in r2 r3 r4; do start "bird-$r" "$r" bird -f -c "$CONF/$r/bird.conf" -s "$RUN/$r/bird.ctl" -P "$RUN/$r/bird.pid"; done
  start zebra-r1 r1 /usr/lib/frr/zebra -u frr -g frr -P 0 -f "$CONF/r1/zebra.conf" -i "$RUN/r1/zebra.pid" \
    -z "$RUN/r1/zserv.api" --vty_socket "$RUN/r1"
  wait_for "zebra socket" 100 0.1 test -S "$RUN/r1/zserv.api" || die "zebra did not start: $(tail -3 "$RUN/log/zebra-r1.log")"
  start bgpd-r1 r1 /usr/lib/frr/bgpd -M bmp -u frr -g frr -P 0 -f "$CONF/r1/bgpd.conf" -i "$RUN/r1/bgpd.pid" \
    -z "$RUN/r1/zserv.api" --vty_socket "$RUN/r1"
  # Pitfall 10: --env, or Debian's /etc/exabgp/exabgp.env makes it drop to user exabgp.
  start exabgp probe /usr/sbin/exabgp --env "$CONF/exabgp/exabgp.env" "$CONF/exabgp/exabgp.conf"
  start gobgpd probe gobgpd -f "$CONF/gobgp/gobgpd.toml" -p -l info --api-hosts "$GOBGP_API" --pprof-disable
}

vtysh_r1() { vtysh --vty_socket "$RUN/r1" "$@"; }
gobgp_cli() { nsx probe gobgp -u "${GOBGP_API%:*}" -p "${GOBGP_API#*:}" "$@"; }
# Pitfall 4: IPv6 BGP routes have link-local next hops: compare the outgoing device.
r1_dev() { ipn r1 -"$1" route show "$2" 2>/dev/null | grep -o 'dev [a-z0-9-]*' | head -1 | cut -d' ' -f2; }
bgp_converged() {
  [[ $(r1_dev 4 10.99.100.0/24) == eth-r2 && $(r1_dev 6 2001:db8:100::/64) == eth-r2 ]] || return 1
  ipn r3 route show 10.99.1.0/24 | grep -q via && ipn r4 route show 10.99.1.0/24 | grep -q via || return 1
  ipn r2 route show 10.99.1.0/24 | grep -q via && ipn r4 -6 route show 2001:db8:1::/64 | grep -q via || return 1
  # all 6 r1 sessions (r2 v4/v6, r3 v4/v6, ExaBGP, gobgpd) established
  [[ $(vtysh_r1 -c 'show bgp neighbors' | grep -c 'BGP state = Established') -ge 6 ]]
}
all_alive() {
  local f n
  for f in "$RUN"/pids/*.pid; do
    n=$(basename "$f" .pid)
    [[ $n == netem-* ]] && continue
    alive "$n" || { log "dead: $n: $(tail -3 "$RUN/log/$n.log" 2>/dev/null)"; return 1; }
  done
}
bgp_converged_or_dead() { all_alive || return 0; bgp_converged; }

cmd_up() {
  local t0=$SECONDS
  preflight
  ip netns list | grep -q "^$P-" && cmd_down quiet
  mkdir -p "$RUN/pids" "$RUN/log"
  [[ -n ${LAB_OWNER_PID:-} ]] && echo "$LAB_OWNER_PID" >"$LAB/owner.pid"
  echo "${LAB_API_TOKEN:-$(head -c24 /dev/urandom | od -An -tx1 | tr -d ' \n')}" >"$RUN/api-token"
  chmod 600 "$RUN/api-token"
  echo "$LAB_ID" >"$LAST"
  log "namespaces $P-{${ROLES[*]}}, state in $LAB"
  topology
  gen_configs
  if [[ $LAB_DAEMON == 1 ]]; then log "starting FerretDB and the SmokeTrace daemon"; start_smoketrace; fi
  log "starting FRR, BIRD, ExaBGP, gobgpd"
  start_routers
  wait_for "BGP convergence" 120 0.5 bgp_converged_or_dead || { cmd_status; die "BGP did not converge"; }
  all_alive || { cmd_status; die "a daemon died, see $RUN/log/"; }
  wait_for "gobgpd established" 60 0.5 bash -c "ip netns exec $(ns probe) gobgp -u ${GOBGP_API%:*} -p ${GOBGP_API#*:} neighbor | grep -q Establ" || die "gobgpd did not peer with r1"
  nsx probe ping -c1 -W2 $TARGET4 >/dev/null && nsx probe ping -6 -c1 -W2 $TARGET6 >/dev/null || die "target not reachable"
  if [[ $LAB_DAEMON == 1 ]]; then
    # The bridge (node + tsx) connects a few seconds after ExaBGP's session is up: wait until the daemon
    # holds the target prefix from all three feeds, so scenarios start from a complete history.
    wait_for "the daemon's view of the target prefix (r1 BMP, gobgpd BMP, ExaBGP)" 160 0.25 daemon_has_feeds \
      || die "the daemon did not receive all three feeds: $(tail -3 "$RUN/log/daemon.log")"
  fi
  log "lab up in $((SECONDS - t0)) s (LAB_ID=$LAB_ID)"
  echo "$LAB_ID"
}

cmd_down() {
  local f n r pid
  # The daemon first (it flushes its writes), then everything else by recorded pid.
  [[ -f $RUN/pids/daemon.pid ]] && stop daemon
  local pids=() i
  for f in "$RUN"/pids/*.pid; do [[ -e $f ]] || continue; pid=$(cat "$f"); pid_running "$pid" && { kill -TERM "$pid" 2>/dev/null; pids+=("$pid"); }; rm -f "$f"; done
  for ((i = 0; i < 50; i++)); do
    n=0; for pid in "${pids[@]}"; do pid_running "$pid" && n=1; done
    ((n)) || break; sleep 0.1
  done
  for r in "${ROLES[@]}"; do
    ip netns list | grep -q "^$(ns "$r")\b" || continue
    # Whatever still runs inside a namespace of this lab was started by it (e.g. an api process ExaBGP respawned).
    for pid in $(ip netns pids "$(ns "$r")" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$(ns "$r")" 2>/dev/null || true
  done
  rm -rf "$LAB"
  [[ -f $LAST && $(cat "$LAST") == "$LAB_ID" ]] && rm -f "$LAST"
  [[ ${1:-} == quiet ]] || log "lab down"
}

# cleanup-stale [--all]: remove labs (namespaces st-lab-*) whose owner process is gone (--all: every lab)
cmd_cleanup_stale() {
  local id owner removed=0
  for id in $(ip netns list | grep -o "^$PREFIX-[a-z0-9]*-probe" | sed -e "s/^$PREFIX-//" -e 's/-probe$//' | sort -u); do
    owner=$(cat "/tmp/$PREFIX-$id/owner.pid" 2>/dev/null || true)
    if [[ ${1:-} == --all ]] || { [[ -n $owner ]] && ! pid_running "$owner"; } || [[ ! -d /tmp/$PREFIX-$id ]]; then
      log "removing stale lab $id (owner ${owner:-none})"
      LAB_ID=$id LAB_DIR=/tmp/$PREFIX-$id "$0" down
      removed=$((removed + 1))
    fi
  done
  # Namespaces of a lab whose probe namespace is already gone.
  for n in $(ip netns list | grep -o "^$PREFIX-[a-z0-9]*-[a-z0-9]*" || true); do
    id=$(echo "$n" | cut -d- -f3)
    ip netns list | grep -q "^$PREFIX-$id-probe\b" && continue
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$n" && removed=$((removed + 1))
  done
  log "cleanup-stale: $removed removed"
}

# ---------------------------------------------------------------- actions
wait_r1_via() { # wait_r1_via DEV: both target prefixes routed by r1 out of DEV
  wait_for "r1 routes the target via $1" 80 0.25 bash -c \
    "[[ \$(ip -n $(ns r1) route show 10.99.100.0/24) == *'dev $1 '* && \$(ip -n $(ns r1) -6 route show 2001:db8:100::/64) == *'dev $1 '* ]]"
}
# flip long|short: r1's route-map FROM-R3 local-pref 200 (long path wins) / 100 (shorter AS path wins), soft clear
cmd_flip() {
  case ${1:-} in
    long) flip_lp 200 ;;
    short) flip_lp 100 ;;
    cut) vtysh_r1 -c 'configure terminal' -c 'router bgp 65001' -c 'neighbor 10.99.12.2 shutdown' -c 'neighbor 2001:db8:12::2 shutdown' -c end >/dev/null ;;
    restore) vtysh_r1 -c 'configure terminal' -c 'router bgp 65001' -c 'no neighbor 10.99.12.2 shutdown' -c 'no neighbor 2001:db8:12::2 shutdown' -c end >/dev/null ;;
    *) die "flip long|short|cut|restore" ;;
  esac
  local want=eth-r2
  [[ $1 == long || $1 == cut ]] && want=eth-r3
  wait_r1_via "$want" || die "path did not flip"
  log "flip $1: r1 routes the target prefixes via $want"
}
flip_lp() {
  vtysh_r1 -c 'configure terminal' -c 'route-map FROM-R3 permit 10' -c "set local-preference $1" \
    -c 'route-map FROM-R3 permit 20' -c "set local-preference $1" -c end \
    -c 'clear bgp ipv4 unicast 10.99.13.3 soft in' -c 'clear bgp ipv6 unicast 2001:db8:13::3 soft in' >/dev/null
}

link_parts() { # link_parts LINK -> "ROLE DEV" (packets forwarded by ROLE out of DEV)
  [[ $1 =~ ^([a-z0-9]+)-([a-z0-9]+)$ ]] || die "LINK must look like r1-r2"
  ip netns list | grep -q "^$(ns "${BASH_REMATCH[1]}")\b" || die "no router ${BASH_REMATCH[1]}"
  ipn "${BASH_REMATCH[1]}" link show "eth-${BASH_REMATCH[2]}" >/dev/null 2>&1 || die "no link $1"
  echo "${BASH_REMATCH[1]} eth-${BASH_REMATCH[2]}"
}
# degrade LINK DELAY_MS LOSS_PCT | LINK clear | clear  (pitfall 1: no sch_netem here, so NFQUEUE + tools/nfq-netem.py)
cmd_degrade() {
  local l=${1:-} role dev q f
  if [[ $l == clear ]]; then
    for f in "$RUN"/pids/netem-*.pid; do [[ -e $f ]] || continue; f=$(basename "$f" .pid); cmd_degrade "${f#netem-}" clear; done
    return 0
  fi
  read -r role dev < <(link_parts "$l")
  q=$(ipn "$role" -o link show "$dev" | cut -d: -f1) # ifindex = queue number (unique per namespace)
  nsx "$role" iptables -t mangle -D FORWARD -o "$dev" -j NFQUEUE --queue-num "$q" --queue-bypass 2>/dev/null || true
  nsx "$role" ip6tables -t mangle -D FORWARD -o "$dev" -j NFQUEUE --queue-num "$q" --queue-bypass 2>/dev/null || true
  stop "netem-$l"
  if [[ ${2:-} == clear ]]; then log "degrade $l cleared"; return 0; fi
  local delay=${2:-40} loss=${3:-0}
  [[ $delay =~ ^[0-9]+(\.[0-9]+)?$ && $loss =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "degrade LINK DELAY_MS LOSS_PCT (numbers)"
  start "netem-$l" "$role" "$PY" -u "$TOOLS/nfq-netem.py" --queue "$q" --delay "$delay" --loss "$loss"
  wait_for "nfq-netem bound" 50 0.1 grep -q 'nfq-netem queue=' "$RUN/log/netem-$l.log" || die "nfq-netem did not start"
  nsx "$role" iptables -t mangle -A FORWARD -o "$dev" -j NFQUEUE --queue-num "$q" --queue-bypass
  nsx "$role" ip6tables -t mangle -A FORWARD -o "$dev" -j NFQUEUE --queue-num "$q" --queue-bypass
  log "degrade $l: +${delay} ms, ${loss}% loss on packets forwarded by $role out of $dev (NFQUEUE $q)"
}
# loss LINK PCT | loss LINK clear: random drop with iptables statistic (pitfall 1: works without netem)
cmd_loss() {
  local l=${1:-} role dev rule f
  read -r role dev < <(link_parts "$l")
  f=$RUN/loss-$l.rule
  if [[ -f $f ]]; then
    read -r -a rule <"$f"
    nsx "$role" iptables -D "${rule[@]}" 2>/dev/null || true
    nsx "$role" ip6tables -D "${rule[@]}" 2>/dev/null || true
    rm -f "$f"
  fi
  if [[ ${2:-} == clear ]]; then log "loss $l cleared"; return 0; fi
  [[ ${2:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "loss LINK PCT | loss LINK clear"
  rule=(FORWARD -o "$dev" -m statistic --mode random --probability "$(awk -v p="$2" 'BEGIN{printf "%.4f", p/100}')" -j DROP)
  nsx "$role" iptables -A "${rule[@]}"
  nsx "$role" ip6tables -A "${rule[@]}"
  echo "${rule[*]}" >"$f"
  log "loss $l: ${2}% of packets forwarded by $role out of $dev dropped"
}
# ratelimit on|off [ROUTER]: the router answers at most 1 TTL-expired per second (burst 1); nothing else changes
cmd_ratelimit() {
  local role=${2:-r2}
  [[ $role =~ ^r[1-4]$ ]] || die "ratelimit on|off [r1..r4]"
  local v4=(OUTPUT -p icmp --icmp-type time-exceeded) v6=(OUTPUT -p ipv6-icmp --icmpv6-type time-exceeded)
  local lim=(-m limit --limit 1/second --limit-burst 1 -j ACCEPT)
  nsx "$role" iptables -D "${v4[@]}" "${lim[@]}" 2>/dev/null || true
  nsx "$role" iptables -D "${v4[@]}" -j DROP 2>/dev/null || true
  nsx "$role" ip6tables -D "${v6[@]}" "${lim[@]}" 2>/dev/null || true
  nsx "$role" ip6tables -D "${v6[@]}" -j DROP 2>/dev/null || true
  case ${1:-} in
    on) nsx "$role" iptables -A "${v4[@]}" "${lim[@]}"; nsx "$role" iptables -A "${v4[@]}" -j DROP
        nsx "$role" ip6tables -A "${v6[@]}" "${lim[@]}"; nsx "$role" ip6tables -A "${v6[@]}" -j DROP
        log "ratelimit on: $role sends at most 1 ICMP time-exceeded per second" ;;
    off) log "ratelimit off on $role" ;;
    *) die "ratelimit on|off [ROUTER]" ;;
  esac
}
# ecmp on|off: r1 splits the target host over r2 (short) and r3 (long) by a 5-tuple hash
# (fib_multipath_hash_policy=1), so classic UDP traceroute (new port per probe) sees both branches.
# A /32 (/128) next to FRR's /24: zebra leaves kernel routes it did not install alone.
cmd_ecmp() {
  case ${1:-} in
    on) ipn r1 route replace $TARGET4/32 nexthop via 10.99.12.2 dev eth-r2 nexthop via 10.99.13.3 dev eth-r3
        ipn r1 -6 route replace $TARGET6/128 nexthop via 2001:db8:12::2 dev eth-r2 nexthop via 2001:db8:13::3 dev eth-r3
        log "ecmp on: r1 -> $TARGET4 over r2 and r3" ;;
    off) ipn r1 route del $TARGET4/32 2>/dev/null || true
         ipn r1 -6 route del $TARGET6/128 2>/dev/null || true
         log "ecmp off" ;;
    *) die "ecmp on|off" ;;
  esac
}
cmd_target() {
  case ${1:-} in
    down) ipn r2 link set eth-tgt down
          wait_for "withdraw at r1" 80 0.25 bash -c "! ip -n $(ns r1) route show 10.99.100.0/24 | grep -q . && ! ip -n $(ns r1) -6 route show 2001:db8:100::/64 | grep -q ." || die "no withdraw"
          log "target link down, prefixes withdrawn" ;;
    up) ipn r2 link set eth-tgt up
        wait_for "re-announce at r1" 80 0.25 bash -c "ip -n $(ns r1) route show 10.99.100.0/24 | grep -q via && ip -n $(ns r1) -6 route show 2001:db8:100::/64 | grep -q via" || die "no re-announce"
        log "target link up, prefixes announced" ;;
    *) die "target down|up" ;;
  esac
}
# unrelated announce|withdraw: a prefix no target lives in, originated by gobgpd (AS 65101) and seen by r1 (BMP) and ExaBGP
cmd_unrelated() {
  case ${1:-} in
    announce) gobgp_cli global rib add $UNRELATED4 nexthop 10.99.1.3 origin igp -a ipv4 >/dev/null
              wait_for "r1 learns $UNRELATED4" 80 0.25 bash -c "ip -n $(ns r1) route show $UNRELATED4 | grep -q via" || die "r1 did not learn $UNRELATED4" ;;
    withdraw) gobgp_cli global rib del $UNRELATED4 -a ipv4 >/dev/null
              wait_for "r1 drops $UNRELATED4" 80 0.25 bash -c "! ip -n $(ns r1) route show $UNRELATED4 | grep -q ." || die "r1 still has $UNRELATED4" ;;
    *) die "unrelated announce|withdraw" ;;
  esac
  log "unrelated $1: $UNRELATED4"
}
cmd_trace() {
  if [[ ${1:-4} == 6 ]]; then nsx probe traceroute -6 -n -q1 -w1 $TARGET6; else nsx probe traceroute -n -q1 -w1 $TARGET4; fi
}
cmd_status() {
  local f n r
  echo "== lab $LAB_ID, state in $LAB; namespaces: $(ip netns list | grep -o "^$P-[a-z0-9]*" | tr '\n' ' ')"
  echo "== processes"
  for f in "$RUN"/pids/*.pid; do [[ -e $f ]] || continue; n=$(basename "$f" .pid)
    if alive "$n"; then echo "  $n pid $(cat "$f") running"; else echo "  $n pid $(cat "$f") DEAD"; fi; done
  [[ -S $RUN/r1/bgpd.vty ]] && { echo "== r1 (FRR) bgp summary"; vtysh_r1 -c 'show bgp summary' | grep -E '^(Neighbor|10\.|2001)' || true; }
  for r in r2 r3 r4; do [[ -S $RUN/$r/bird.ctl ]] && { echo "== $r (BIRD)"; birdc -s "$RUN/$r/bird.ctl" show protocols | grep -E 'BGP' || true; }; done
  if ip netns list | grep -q "^$(ns r1)\b"; then
    echo "== r1 routes to the target: $(ipn r1 route show 10.99.100.0/24 | tr '\n' ' ') | $(ipn r1 route show $TARGET4/32 | tr '\n' ' ')"
    for r in r1 r2 r3 r4; do nsx "$r" iptables-save 2>/dev/null | grep -E 'NFQUEUE|statistic|time-exceeded' | sed "s/^/== $r: /" || true; done
  fi
  [[ -S $RUN/http.sock ]] && echo "== daemon API: curl --unix-socket $RUN/http.sock http://lab/api/health"
  return 0
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  id) echo "$LAB_ID" ;;
  status) cmd_status ;;
  cleanup-stale) shift; cmd_cleanup_stale "$@" ;;
  flip) shift; cmd_flip "$@" ;;
  degrade) shift; cmd_degrade "$@" ;;
  loss) shift; cmd_loss "$@" ;;
  ratelimit) shift; cmd_ratelimit "$@" ;;
  ecmp) shift; cmd_ecmp "$@" ;;
  target) shift; cmd_target "$@" ;;
  unrelated) shift; cmd_unrelated "$@" ;;
  restart-daemon) cmd_restart_daemon ;;
  trace) shift; cmd_trace "$@" ;;
  nsexec) shift; r=$1; shift; nsx "$r" "$@" ;;
  vtysh) shift; vtysh_r1 "$@" ;;
  birdc) shift; r=$1; shift; birdc -s "$RUN/$r/bird.ctl" "$@" ;;
  gobgp) shift; gobgp_cli "$@" ;;
  *) sed -n '2,/^set -euo pipefail/{/^set /!p}' "$0"; exit 2 ;;
esac
