#!/usr/bin/env bash
# Installs what Sweep needs besides the Swift toolchain: libzmq and SQLite (headers + libraries), pkg-config;
# for the tests, chromium and prometheus from Debian;
# slurm-wlm, munge, openssh, systemd-analyze and kubectl for the launcher tests;
# and, for the interop tests, a Python venv outside the repository with optuna, pandas, plotly,
# scikit-learn and kubernetes-validate (at $SWEEP_TEST_VENV, default ~/.cache/sweep/interop-venv; set SWEEP_NO_INTEROP_VENV=1 to skip).
set -euo pipefail
missing=()
[ -f /usr/include/zmq.h ] || missing+=(libzmq3-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# For the multi-host tests (network namespaces): iproute2's `ip`.
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
# For the report and dashboard tests: a real headless browser and a real Prometheus server
# (set SWEEP_NO_TEST_SERVICES=1 to skip; those tests then skip with a message).
if [ "${SWEEP_NO_TEST_SERVICES:-0}" != 1 ]; then
    command -v chromium >/dev/null || missing+=(chromium)
    command -v prometheus >/dev/null || missing+=(prometheus)
    command -v curl >/dev/null || missing+=(curl)
    # For the launcher and packaging tests: a real single-node Slurm (the tests start it from
    # cluster/slurm), sshd in network namespaces, systemd-analyze for the units, kubectl for the manifests.
    command -v sbatch >/dev/null || missing+=(slurm-wlm)
    [ -x /usr/sbin/munged ] || missing+=(munge)
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v ssh >/dev/null || missing+=(openssh-client)
    command -v systemd-analyze >/dev/null || missing+=(systemd)
    command -v kubectl >/dev/null || missing+=(kubernetes-client)
    # scripts/package.sh (and its test): Depends from dpkg-shlibdeps, strip.
    command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
    command -v strip >/dev/null || missing+=(binutils)
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The Kubernetes manifests are also built with Debian 12's kubectl 1.20 (kustomize v2), unpacked
# beside the cache and never installed over the system's kubectl. Best effort, like the venv.
kubectl_old="$HOME/.cache/sweep/kubectl-1.20"
if [ "${SWEEP_NO_TEST_SERVICES:-0}" != 1 ] && [ ! -x "$kubectl_old/usr/bin/kubectl" ]; then
    scratch=$(mktemp -d)
    if (cd "$scratch" && apt-get download -qq kubernetes-client >/dev/null 2>&1); then
        # dpkg -x makes only the last directory: on a new machine ~/.cache/sweep is not there yet.
        mkdir -p "$(dirname "$kubectl_old")"
        dpkg -x "$scratch"/kubernetes-client_*.deb "$kubectl_old"
    else
        echo "note: could not fetch Debian's kubernetes-client; the kubectl 1.20 check will skip" >&2
    fi
    rm -rf "$scratch"
fi

# The interop tests (`sweep export` read by the real libraries) skip with a message without this
# venv, so it is best effort: no PyPI, no venv, and the build goes on.
venv="${SWEEP_TEST_VENV:-$HOME/.cache/sweep/interop-venv}"
if [ "${SWEEP_NO_INTEROP_VENV:-0}" != 1 ] \
    && ! "$venv/bin/python" -c 'import optuna, pandas, plotly, sklearn, scipy, kubernetes_validate' 2>/dev/null; then
    # Python's venv module: Debian and Ubuntu package it apart.
    python3 -c 'import ensurepip, venv' 2>/dev/null \
        || { $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-venv >/dev/null; } || true
    if python3 -m venv "$venv" && "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        optuna pandas plotly scikit-learn kubernetes-validate; then
        echo "interop venv ready: $venv"
    else
        echo "note: could not make the interop venv at $venv (needs python3-venv and PyPI); those tests will skip" >&2
    fi
fi
