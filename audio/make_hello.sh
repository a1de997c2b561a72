#!/usr/bin/env bash
# Make the two short spoken clips the book uses: hello.wav ("hello") and second.wav ("goodbye"), written into
# dae/clips/ (the package ships them) or into the folder given as the first argument.
# Speech synthesised by eSpeak NG (Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng),
# written as 22050 Hz mono 16-bit WAV. Run from anywhere: bash audio/make_hello.sh [FOLDER]
set -euo pipefail
cd "${1:-$(dirname "$0")/../dae/clips}"

if ! command -v espeak-ng >/dev/null; then
  echo "espeak-ng is not installed: apt-get install espeak-ng (or brew install espeak-ng)" >&2
  exit 1
fi

VOICE=en      # eSpeak NG's default English voice
SPEED=140     # words per minute, a little slower than espeak's 175 so each sound is easier to hear
RATE=22050    # eSpeak NG's own output rate; sox (if present) makes sure of it and of mono 16-bit

make_clip() {  # make_clip <file> <text>
  local out=$1 text=$2 tmpdir tmp
  tmpdir=$(mktemp -d)
  tmp="$tmpdir/clip.wav"
  espeak-ng -v "$VOICE" -s "$SPEED" -w "$tmp" "$text"
  if command -v sox >/dev/null; then
    # -D: no dither, so the file is the same on every run
    sox -D "$tmp" -r "$RATE" -c 1 -b 16 "$out"
  else
    echo "sox not found: keeping eSpeak NG's own output for $out (it is already $RATE Hz mono 16-bit)" >&2
    cp "$tmp" "$out"
  fi
  rm -rf "$tmpdir"
  echo "$out: \"$text\", $(espeak-ng --version | cut -d' ' -f1-4)"
}

make_clip hello.wav "hello"
make_clip second.wav "goodbye"
sha256sum hello.wav second.wav
