#!/bin/sh
# Times Evidently 0.7.23's DataDriftPreset on the data of `mldeck bench monitor`, in a virtual
# environment of its own (.build/evidently-venv) with the exact versions of
# scripts/fixtures/requirements-drift-fixtures.txt. Not part of `make test` or `make bench`.
#   scripts/bench/monitor_evidently.sh 100000 1000000
set -eu
cd "$(dirname "$0")/../.."
venv=.build/evidently-venv
requirements=scripts/fixtures/requirements-drift-fixtures.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
exec env OMP_WAIT_POLICY=passive "$venv/bin/python" scripts/bench/monitor_evidently.py "$@"
