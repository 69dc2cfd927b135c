#!/usr/bin/env bash
# Print the interpreter `make` builds .venv with: the first CPython 3.11 or 3.12 (pyproject's
# requires-python) that can make a virtual environment, the distribution's own build first.
#
# Debian builds its CPython with profile-guided and link-time optimisation and links libpython
# into the executable; a default source build such as pyenv's links a shared libpython without
# either. The engines spend much of their time in the interpreter: on bench_analyze's 100,000
# news leads, `duluan analyze` used 2-19 % less CPU under Debian's 3.11.2 than under pyenv's
# 3.11.7 (four alternating pairs, median 6.6 %; bench_steps on two cores at once, one build on
# each, 4-8 %; 2026-12-01). An explicit `make PYTHON=...` still wins.
set -euo pipefail

candidates=(/usr/bin/python3.11 /usr/bin/python3.12)
for name in python3.11 python3.12 python3; do
  found=$(command -v "$name" 2>/dev/null) && candidates+=("$found")
done
for python in "${candidates[@]}"; do
  [ -x "$python" ] || continue
  if "$python" -c 'import sys, ensurepip, venv; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null; then
    echo "$python"
    exit 0
  fi
done
echo "python.sh: no CPython 3.11 or 3.12 with venv and ensurepip found" >&2
exit 1
