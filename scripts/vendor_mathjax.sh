#!/usr/bin/env bash
# Copy MathJax from the npm registry's `mathjax` package into _build/vendor/mathjax, which _config.yml
# serves as the book's own static files: the built book renders formulas without reaching any CDN.
# Only what the default `tex-mml-chtml` set-up loads is kept (about 3 MB; the speech rule engine is left out).
# Does nothing when the copy is already there. Needs `npm` (it only downloads; nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/npm_package.sh

MATHJAX_VERSION=3.2.2
dest=_build/vendor/mathjax
vendor_is_current "$dest" "$MATHJAX_VERSION" tex-mml-chtml.js && exit 0
npm_unpack mathjax "$MATHJAX_VERSION" "$dest"
es5="$package/es5"
rm -rf "$dest"
mkdir -p "$dest/input/tex" "$dest/output/chtml/fonts"
cp "$es5/tex-mml-chtml.js" "$dest/"
cp -r "$es5/input/tex/extensions" "$dest/input/tex/"
cp -r "$es5/output/chtml/fonts/woff-v2" "$dest/output/chtml/fonts/"
cp -r "$es5/a11y" "$es5/ui" "$dest/"
cp "$package/LICENSE" "$dest/LICENSE"
echo "$MATHJAX_VERSION" > "$dest/.version"
