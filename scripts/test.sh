#!/usr/bin/env bash
# Run every test: makes or reuses .venv/ (python3 >= 3.11), installs requirements.txt and
# requirements-dev.txt into it when they changed, installs Debian's chromium for the browser
# tests when it is missing, starts the services the tests need, then pytest.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh dev requirements.txt requirements-dev.txt

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
apt_install() {
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium fonts-noto-core
fi

# --- Services the tests need ------------------------------------------------------------------
# PostgreSQL + PostGIS for the shared-store tests: only the packages are installed here; the
# tests start a throw-away cluster themselves (tests/pg_cluster.py: its own data folder under a
# temporary directory, a Unix socket only, no TCP port, stopped at the end) and skip with the
# reason when the server is not installed. SYRIA_MAP_TEST_PG=postgresql://… uses a server of
# your own instead.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    apt_install postgresql postgresql-postgis || echo "warning: PostgreSQL/PostGIS could not be installed; the PostGIS tests will skip" >&2
fi
# ------------------------------------------------------------------------------------------------

# pytest exits 5 when it collected no test: that is a failure here, as any non-zero code.
# Not exec: a service started above is stopped by its EXIT trap after pytest ends.
# The suite runs on every core (pytest-xdist: one worker per CPU; a test file stays in one
# worker, so its module fixtures are built once). SYRIA_MAP_TEST_WORKERS=0 runs it in one
# process; options after the command (-n 4, -p no:xdist, ...) override these.
status=0
"$VENV_PYTHON" -m pytest -n "${SYRIA_MAP_TEST_WORKERS:-auto}" --dist loadfile "$@" || status=$?
exit "$status"
