#!/usr/bin/env bash
# Installs what Sweep needs besides the Swift toolchain: libzmq and SQLite (headers + libraries), pkg-config.
set -euo pipefail
missing=()
[ -f /usr/include/zmq.h ] || missing+=(libzmq3-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# For the multi-host tests (network namespaces): iproute2's `ip`.
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
