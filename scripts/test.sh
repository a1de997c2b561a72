#!/usr/bin/env bash
# The tests, in two legs, both in quick mode (less training data and fewer epochs, the same code).
#
# Leg 1, Python 3.11 ($PYTHON, default python3) in .venv: a quick book build, which executes every
#   chapter with its hidden checks (warnings are errors); then the unit tests of dae, the checked
#   outputs of the executed chapters, and the built pages in headless Chromium (tests/test_browser.py).
# Leg 2, Python 3.12 (Colab's version; $PYTHON312, else pyenv's newest 3.12) in .venv312, with the
#   newest release of every requirement: the unit tests (but two files that test the project's own machinery),
#   then every chapter executed by nbval from a folder outside the repository, with dae installed from a built wheel
#   as Colab installs it (Chapter 1 runs its Colab set-up cell too: scripts/as_in_colab.py).
#
# By default both legs run at the same time (the 3.12 leg's log is printed after the 3.11 leg's);
# DAE_TEST_LEG=311 or DAE_TEST_LEG=312 runs one leg alone.
set -euo pipefail
cd "$(dirname "$0")/.."
LEG=${DAE_TEST_LEG:-both}
export DAE_QUICK=1

leg_311() {
  source scripts/setup_env.sh
  # Quick results and the quick build live apart from the full book's, so neither shows the other's numbers.
  export DAE_RESULTS_DIR="$PWD/_build/quick/results"
  export DAE_BOOK_HTML="$PWD/_build/quick/_build/html"
  # tests/test_browser.py opens that build in headless Chromium and keeps its screenshots here.
  export DAE_SCREENSHOTS="$PWD/_build/quick/screenshots"
  reset_cache_if_code_changed _build/quick/_build
  rm -rf _build/quick/_build/html/reports  # a report left by an earlier build would be taken for this one's
  local start=$(date +%s)
  if ! jupyter-book build . --path-output _build/quick --warningiserror --keep-going; then
    echo "The quick book did not build after $(( $(date +%s) - start )) s."
    python scripts/explain_failure.py _build/quick/_build
    return 1
  fi
  echo "Quick book built in $(( $(date +%s) - start )) s ($(python --version))"
  # Two workers (pytest-xdist), each taking whole test files, except the browser tests, shared out page by page
  # (tests/conftest.py): alone, that file would keep one worker busy long after the other has finished.
  rm -rf "$DAE_SCREENSHOTS"  # the workers share the folder; neither empties it
  python -m pytest tests -p no:cacheprovider --durations=10 -n 2 --dist loadgroup
}

find_python312() {
  if [ -n "${PYTHON312:-}" ]; then echo "$PYTHON312"; return; fi
  local root candidate
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for candidate in $(ls -d "$root"/versions/3.12*/bin/python3.12 2>/dev/null | sort -V -r) python3.12; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo "Python 3.12 was not found: install it (pyenv install 3.12) or set PYTHON312 to its interpreter" >&2
  return 1
}

leg_312() {
  PYTHON=$(find_python312)
  # dae installed from a built wheel, as Colab installs it, not as a link to this checkout (scripts/setup_env.sh).
  export PYTHON DAE_VENV=.venv312 DAE_NEWEST=1 DAE_EDITABLE=0
  source scripts/setup_env.sh
  # Its own results and model cache: every model this leg needs, it trains with its own libraries.
  export DAE_RESULTS_DIR="$PWD/_build/quick312/results"
  unset DAE_BOOK_HTML
  # nbval runs each notebook on the kernel named python3: it must be this environment's interpreter.
  python - <<'PY'
import sys
from pathlib import Path
from jupyter_client.kernelspec import KernelSpecManager
argv0 = KernelSpecManager().get_kernel_spec("python3").argv[0]
if argv0 not in ("python", "python3", sys.executable) and Path(argv0).resolve() != Path(sys.executable).resolve():
    sys.exit(f"the python3 kernel runs {argv0}, not this environment's {sys.executable}")
PY
  echo "Testing with $(python --version): $(python -m pip list 2>/dev/null | grep -iE '^(tensorflow|keras|librosa|numpy) ' | tr -s ' ' | paste -sd ';')"
  # Two test files check the project's own machinery rather than the libraries, and run in the other leg only: the
  # model cache under two processes at once (half a minute of CPU) and the benchmark.
  python -m pytest tests -p no:cacheprovider --ignore=tests/test_browser.py --ignore=tests/test_jupyterlab.py \
    --ignore=tests/test_cache_concurrency.py --ignore=tests/test_bench.py --durations=10
  # The chapters as readers run them: each notebook alone in a folder outside the repository, on the installed
  # package (nbval executes them and compares the cells tagged nbval-check-output). Chapter 1 also runs its Colab
  # set-up cell (scripts/as_in_colab.py), which installs dae with %pip from the repository _config.yml names:
  # git fetches that address from this checkout instead (url.<base>.insteadOf), since the tests run offline.
  local outside repository checkout=$PWD
  outside=$(mktemp -d)
  cp book/*.ipynb "$outside"/
  python scripts/as_in_colab.py "$outside/01_autoencoder_basics.ipynb"
  repository=$(python -c 'import yaml; print(yaml.safe_load(open("_config.yml"))["repository"]["url"])')
  echo "Running the chapters in $outside, outside the repository, with dae installed in $VIRTUAL_ENV"
  (
    cd "$outside"
    export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="url.file://$checkout.insteadOf" GIT_CONFIG_VALUE_0="$repository"
    python -m pytest . --nbval-lax -p no:cacheprovider --durations=10
  )
  rm -rf "$outside"
}

case "$LEG" in
  311) ( leg_311 ) ;;
  312) ( leg_312 ) ;;
  both)
    # Each leg in a plain subshell, so that set -e stops it at its first failure. The legs run side by side:
    # much of a chapter is single-threaded Python (measures, classical filters, plots, installs), so on two
    # cores they finish sooner together than one after the other. The 3.12 leg's output follows the 3.11 leg's.
    bash scripts/vendor_mathjax.sh  # once, so that the two legs never write the copy at the same time
    bash scripts/vendor_onnxruntime.sh
    log312=$(mktemp)
    start=$(date +%s)
    ( leg_312 ) > "$log312" 2>&1 &
    pid312=$!
    # In the background too: a subshell on the left of || would run with set -e switched off.
    ( leg_311 ) &
    pid311=$!
    status311=0
    wait "$pid311" || status311=$?
    echo "Python 3.11 leg finished after $(( $(date +%s) - start )) s (exit $status311); waiting for the Python 3.12 leg"
    status312=0
    wait "$pid312" || status312=$?
    echo "===== Python 3.12 leg, run beside the 3.11 leg: finished after $(( $(date +%s) - start )) s (exit $status312) ====="
    cat "$log312"
    rm -f "$log312"
    if [ "$status311" -ne 0 ] || [ "$status312" -ne 0 ]; then
      echo "FAILED: Python 3.11 leg exit $status311, Python 3.12 leg exit $status312" >&2
      exit 1
    fi
    ;;
  *) echo "DAE_TEST_LEG must be 311, 312 or both, got $LEG" >&2; exit 1 ;;
esac
