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

# The package is installed editable, so pip compiles none of its modules. Where PYTHONDONTWRITEBYTECODE is set
# (as in many container images and on this project's machines) Python then compiles every module it imports anew
# in each process; compiled here once (and again only for the files changed since), every command starts faster.
compile_package() {
    .venv/bin/python -m compileall -q pia_excel > /dev/null
}

stamp=.venv/.pia-excel-setup
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c 'import pia_excel' 2>/dev/null; then
    compile_package
    echo "setup: .venv is up to date."
    exit 0
fi

echo "setup: pip install -e '.[dev]' into .venv ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
compile_package
echo "$want" > "$stamp"
echo "setup: done."
