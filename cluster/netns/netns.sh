#!/usr/bin/env bash
# A few "hosts" on one machine for multi-host tests: network namespaces PREFIX-h1..hN, each with
# its own address 10.213.0.i/24 on a veth pair plugged into a bridge that lives in a namespace of
# its own (PREFIX-sw), so no traffic touches the machine's real interfaces. Needs root and iproute2.
#
#   netns.sh up PREFIX N        create the switch and N hosts
#   netns.sh down PREFIX        remove everything with this prefix (safe to repeat)
#   netns.sh cut PREFIX I       unplug host I (its link goes down: a network partition)
#   netns.sh heal PREFIX I      plug host I back in
#   netns.sh exec PREFIX I CMD  run CMD inside host I
#   netns.sh check              exit 0 if namespaces can be made here
set -euo pipefail

command="${1:-}"
prefix="${2:-}"
address() { echo "10.213.0.$1"; }
port() { echo "${prefix}p$1"; }   # the switch side of host I's cable (names ≤ 15 characters)

case "$command" in
check)
    [ "$(id -u)" -eq 0 ] || { echo "not root" >&2; exit 1; }
    command -v ip >/dev/null || { echo "iproute2 (ip) is not installed" >&2; exit 1; }
    probe="swchk$$"
    ip netns add "$probe" 2>/dev/null || { echo "cannot create network namespaces here" >&2; exit 1; }
    ip netns del "$probe"
    ;;
up)
    hosts="${3:?usage: netns.sh up PREFIX N}"
    [ ${#prefix} -le 8 ] || { echo "PREFIX must be at most 8 characters" >&2; exit 2; }
    ip netns add "$prefix-sw"
    ip -n "$prefix-sw" link add br0 type bridge
    ip -n "$prefix-sw" link set br0 up
    ip -n "$prefix-sw" link set lo up
    for i in $(seq 1 "$hosts"); do
        ns="$prefix-h$i"
        ip netns add "$ns"
        ip link add "${prefix}h$i" type veth peer name "$(port "$i")"
        ip link set "${prefix}h$i" netns "$ns"
        ip link set "$(port "$i")" netns "$prefix-sw"
        ip -n "$prefix-sw" link set "$(port "$i")" master br0
        ip -n "$prefix-sw" link set "$(port "$i")" up
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "${prefix}h$i" name eth0
        ip -n "$ns" addr add "$(address "$i")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
    ;;
down)
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-(sw|h[0-9]+)$" || true); do
        ip netns del "$ns" || true
    done
    ;;
cut)
    ip -n "$prefix-sw" link set "$(port "${3:?host}")" down
    ;;
heal)
    ip -n "$prefix-sw" link set "$(port "${3:?host}")" up
    ;;
exec)
    host="${3:?host}"
    shift 3
    exec ip netns exec "$prefix-h$host" "$@"
    ;;
*)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
