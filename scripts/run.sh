#!/usr/bin/env bash
# The main job: set up on a fresh machine, then serve the web desk with demo data on embedded SQLite:
#   http://127.0.0.1:8000  (accounts clerk1, reviewer1, head1, admin1, clerk2 …, oversight, sysadmin;
#   the demo password is printed at start). Extra arguments go to `gongkai serve` (e.g. --port 8080).
#   GONGKAI_DATA_DIR   where the SQLite file and the key file live (default: ./.data)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export GONGKAI_DATA_DIR="${GONGKAI_DATA_DIR:-$PWD/.data}"
mkdir -p "$GONGKAI_DATA_DIR"
exec .venv/bin/gongkai serve --demo "$@"
