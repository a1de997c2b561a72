# Sourced by build_book.sh and test.sh: make the virtual environment, install, find the data mirror.
PYTHON=${PYTHON:-python3}
VENV=${DAE_VENV:-.venv}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed; $PYTHON is $("$PYTHON" --version 2>&1). Set PYTHON=python3.11 or newer." >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating the virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
# DAE_NEWEST=1 upgrades every requirement to its newest release (the Python 3.12 test leg, like Colab).
upgrade=()
if [ "${DAE_NEWEST:-0}" = 1 ]; then
  upgrade=(--upgrade --upgrade-strategy eager)
fi
pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
package=(-e .)
package_copy=""
if [ "${DAE_EDITABLE:-1}" = 0 ]; then
  # DAE_EDITABLE=0 installs dae as a reader's pip does (Colab): built into a wheel, not linked to this checkout. It is
  # built from a copy of the sources, so that no build folder lands in the checkout while the other test leg reads it.
  package_copy=$(mktemp -d)
  tar -c --exclude=__pycache__ dae pyproject.toml README.md | tar -x -C "$package_copy"
  package=("$package_copy")
fi
echo "Installing requirements.txt and the dae package (${package[*]}) into $VENV${upgrade:+ (newest releases)}"
"${pip[@]}" "${upgrade[@]}" -r requirements.txt "${package[@]}"
if [ -n "$package_copy" ]; then rm -rf "$package_copy"; fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
# The book serves its own MathJax and ONNX Runtime Web so that it reads offline (see _config.yml).
bash scripts/vendor_mathjax.sh
bash scripts/vendor_onnxruntime.sh

# Local data mirrors: $DAE_DATA_DIR if set, else ../shared/data beside the checkout when it exists.
if [ -z "${DAE_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
  DAE_DATA_DIR="$(cd ../shared/data && pwd)"
fi
if [ -n "${DAE_DATA_DIR:-}" ]; then
  export DAE_DATA_DIR
  # With a mirror configured, a test skipped for want of a mirror file fails instead (tests/conftest.py).
  export DAE_REQUIRE_DATA=${DAE_REQUIRE_DATA:-1}
  echo "Data mirror: $DAE_DATA_DIR"
else
  echo "No data mirror (DAE_DATA_DIR unset): data sets are downloaded on first use."
fi

# Jupyter Book's cache keys on each notebook's code only. When the dae package, the requirements or the
# training seed (DAE_SEED) change, outputs cached under the old ones would be shown as if fresh: drop the cache then.
reset_cache_if_code_changed() {
  local build_dir=$1 fingerprint stamp
  # Every file of the package (subpackages and static files too), the requirements, and the training seed.
  fingerprint=$( (find dae -type f -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs cat; cat requirements.txt; echo "DAE_SEED=${DAE_SEED:-}") \
    | sha256sum | cut -d' ' -f1)
  stamp="$build_dir/.dae-fingerprint"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$fingerprint" ]; then
    echo "dae, requirements.txt or DAE_SEED changed since the last build in $build_dir: clearing its execution cache"
    rm -rf "$build_dir/.jupyter_cache"
  fi
  mkdir -p "$build_dir"
  echo "$fingerprint" > "$stamp"
}
