#!/usr/bin/env bash
# Run every test: makes or reuses .venv/ (python3 >= 3.11), installs requirements.txt and
# requirements-dev.txt into it when they changed, installs Debian's chromium for the browser
# tests when it is missing, starts the services the tests need, then pytest.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh dev requirements.txt requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null
fi

# --- Services the tests need ------------------------------------------------------------------
# Start them here (each on 127.0.0.1 only, data under a temporary folder, stopped by a trap on
# EXIT) and pass their address to the tests in an environment variable. None yet; a PostGIS
# cluster for the database tests would go here.
# ------------------------------------------------------------------------------------------------

# pytest exits 5 when it collected no test: that is a failure here, as any non-zero code.
# Not exec: a service started above is stopped by its EXIT trap after pytest ends.
status=0
"$VENV_PYTHON" -m pytest "$@" || status=$?
exit "$status"
