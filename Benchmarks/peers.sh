# Sourced by the benchmark scripts: sets $python to the peers' interpreter (the first argument,
# else ../peers-venv/bin/python, made on first use) with the packages named in $peer_packages.
python="${1:-../peers-venv/bin/python}"
if [ ! -x "$python" ]; then
    python3 -m venv ../peers-venv
    python=../peers-venv/bin/python
fi
"$python" -c "import ${peer_modules}" 2>/dev/null || "$python" -m pip install --quiet ${peer_packages}
