#!/usr/bin/env bash
# The tests: a quick-mode book build (warnings are errors), then the unit tests of dae, the built
# pages opened in headless Chromium (tests/test_browser.py), and every notebook executed by nbval in
# quick mode. Quick mode uses less data and fewer epochs, the same code.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_env.sh

export DAE_QUICK=1
# Quick results and the quick build live apart from the full book's, so neither shows the other's numbers.
export DAE_RESULTS_DIR="$PWD/_build/quick/results"
export DAE_BOOK_HTML="$PWD/_build/quick/_build/html"
# tests/test_browser.py opens that build in headless Chromium and keeps its screenshots here.
export DAE_SCREENSHOTS="$PWD/_build/quick/screenshots"
reset_cache_if_code_changed _build/quick/_build
start=$(date +%s)
jupyter-book build . --path-output _build/quick --warningiserror --keep-going
echo "Quick book built in $(( $(date +%s) - start )) s"
python -m pytest tests book --nbval-lax -p no:cacheprovider
