#!/usr/bin/env bash
# Run the app on the embedded data: makes or reuses .venv/ (python3 >= 3.11), installs
# requirements.txt into it when it changed, then `streamlit run app.py` (extra options passed on).
# Usage: bash scripts/run.sh [streamlit options, e.g. --server.port 8502]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh runtime requirements.txt
exec "$VENV_PYTHON" -m streamlit run app.py "$@"
