#!/usr/bin/env bash
# Copy the WebAssembly build of ONNX Runtime Web from the npm registry's `onnxruntime-web` package into
# _build/vendor/onnxruntime, which _config.yml serves as the book's own static files (_static/onnxruntime):
# the denoising labs of Chapters 2 and 3 (dae.lab) run the chapters' models in the reader's browser without any CDN.
# Only what the lab loads is kept: the ES-module bundle (`ort.wasm.bundle.min.mjs`, which holds its loader) and the
# single WebAssembly file, gzip-compressed (about 3.7 MB instead of 14 MB; the page unpacks it with DecompressionStream).
# Does nothing when the copy is already there. Needs `npm` (it only downloads; nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/npm_package.sh

ORT_VERSION=1.30.0
dest=_build/vendor/onnxruntime
vendor_is_current "$dest" "$ORT_VERSION" ort.wasm.bundle.min.mjs ort-wasm-simd-threaded.wasm.gz && exit 0
npm_unpack onnxruntime-web "$ORT_VERSION" "$dest"
dist="$package/dist"
rm -rf "$dest"
mkdir -p "$dest"
cp "$dist/ort.wasm.bundle.min.mjs" "$dest/"
# -n: no time stamp or name in the header, so the same release always gives the same bytes.
gzip -9 -n -c "$dist/ort-wasm-simd-threaded.wasm" > "$dest/ort-wasm-simd-threaded.wasm.gz"
# The package ships no licence file; its package.json names the licence.
node -e 'const p = require(process.argv[1]); console.log(`${p.name} ${p.version}: ${p.license} licence, Copyright (c) Microsoft Corporation`)' \
  "$package/package.json" > "$dest/LICENSE"
echo "$ORT_VERSION" > "$dest/.version"
