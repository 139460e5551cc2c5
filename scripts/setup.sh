#!/usr/bin/env bash
# Set up a development/CI machine: Debian packages, then .venv with the
# project installed editable with its dev extras.  Idempotent; a second run
# only checks (the pip step is skipped while pyproject.toml is unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install_system_deps.sh

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $("$PYTHON" --version 2>&1) ($(command -v "$PYTHON"))"
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.pia-excel-setup
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c 'import pia_excel' 2>/dev/null; then
    echo "setup: .venv is up to date."
    exit 0
fi

echo "setup: pip install -e '.[dev]' into .venv ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
echo "$want" > "$stamp"
echo "setup: done."
