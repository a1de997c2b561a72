#!/usr/bin/env bash
# Copy MathJax from the npm registry's `mathjax` package into _build/vendor/mathjax, which _config.yml
# serves as the book's own static files: the built book renders formulas without reaching any CDN.
# Only what the default `tex-mml-chtml` set-up loads is kept (about 3 MB; the speech rule engine is left out).
# Does nothing when the copy is already there. Needs `npm` (it only downloads; nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."

MATHJAX_VERSION=3.2.2
dest=_build/vendor/mathjax
stamp="$dest/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$MATHJAX_VERSION" ] && [ -f "$dest/tex-mml-chtml.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm is needed once to fetch MathJax $MATHJAX_VERSION for the offline book (apt-get install npm)." >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Fetching MathJax $MATHJAX_VERSION from the npm registry into $dest"
# npm pack checks the tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "mathjax@$MATHJAX_VERSION" >/dev/null && tar xzf "mathjax-$MATHJAX_VERSION.tgz")
es5="$tmp/package/es5"
rm -rf "$dest"
mkdir -p "$dest/input/tex" "$dest/output/chtml/fonts"
cp "$es5/tex-mml-chtml.js" "$dest/"
cp -r "$es5/input/tex/extensions" "$dest/input/tex/"
cp -r "$es5/output/chtml/fonts/woff-v2" "$dest/output/chtml/fonts/"
cp -r "$es5/a11y" "$es5/ui" "$dest/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "$MATHJAX_VERSION" > "$stamp"
