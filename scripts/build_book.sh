#!/usr/bin/env bash
# Build the whole book at full settings: every chapter executed, output in _build/html/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_env.sh

export DAE_QUICK=0
export DAE_RESULTS_DIR="$PWD/_build/results"
reset_cache_if_code_changed _build
rm -rf _build/html/reports  # a report left by an earlier build would be taken for this one's
start=$(date +%s)
if ! jupyter-book build . --warningiserror --keep-going; then
  echo "The book did not build after $(( $(date +%s) - start )) s."
  python scripts/explain_failure.py _build
  exit 1
fi
echo "Built in $(( $(date +%s) - start )) s: open _build/html/index.html"
python -m dae --page benchmarks/FULL_BUILD.md
echo "benchmarks/FULL_BUILD.md now holds this build's numbers (from $DAE_RESULTS_DIR); the book's appendix shows them too."
