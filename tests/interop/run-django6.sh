#!/usr/bin/env bash
# The same interop scenarios against Django 6.x, which needs Python >= 3.12.
# Debian 12 and PyPI offer no 3.12 interpreter, so this runs only where one is
# already on the machine (PATH or pyenv); otherwise it says so and exits 3
# with `SKIPPED: <why>` (`make test` lists it as SKIPPED, never passed).
# Arguments go to run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=""
# A pyenv shim may exist without a usable 3.12 behind it: run each candidate.
for candidate in "$(command -v python3.12 2>/dev/null)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
  if [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "SKIPPED: Django 6.x needs Python 3.12, and this machine has none"
  exit 3
fi
INTEROP_PYTHON_BIN=$python INTEROP_VENV=examples/django-interop/.venv-django6.1 \
  INTEROP_DJANGO='Django>=6.1,<6.2' tests/interop/run.sh "$@"
