#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing: PostgreSQL (throw-away server),
# Chromium (browser tests, driven by Playwright — never a downloaded browser), R with the `survey`
# package (reference for the statistics engine), fonts for charts and DOCX previews.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v Rscript >/dev/null 2>&1 || need+=(r-base-core)
Rscript -e 'quit(status = !requireNamespace("survey", quietly = TRUE))' >/dev/null 2>&1 || need+=(r-cran-survey)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# Debian's own CPython, which scripts/python.sh prefers for .venv, makes environments with this.
if [ -x /usr/bin/python3.11 ] && ! /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need+=(python3.11-venv)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: everything present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system-deps: missing ${need[*]} and not root; install them with apt-get" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
