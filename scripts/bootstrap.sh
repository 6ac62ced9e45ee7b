#!/usr/bin/env bash
# Sets up everything gongkai needs on a fresh machine (Python 3.11+, pip; apt for system parts).
# Idempotent: a second run only checks. Used by scripts/run.sh, scripts/test.sh and .ci/run.
#   GONGKAI_SKIP_APT=1   do not install Debian packages (tests that need them then fail loudly)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${GONGKAI_SKIP_APT:-0}" != "1" ]; then
  mapfile -t wanted < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$')
  missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "== apt: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.gongkai-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  echo "$want" > "$stamp"
fi
