#!/usr/bin/env bash
# Does llama.cpp read loraf's llama.cpp LoRA adapter export as loraf means it? Exports a PEFT adapter folder with
# model:export_gguf_adapter, then greedy-decodes one prompt four ways and prints them: llama.cpp and loraf, each
# without and with the adapter. The two "with" lines should agree (and differ from the "without" ones when the
# adapter changes the answer). A dev check, not a test: it needs llama.cpp built by scripts/build_llama_cpp.sh.
#   scripts/check_llama_cpp_adapter.sh [ADAPTER_DIR] [PROMPT]
# Environment: MODEL (default models/SmolLM2-135M-Instruct.Q4_1.gguf), LORAF (default the newest release build's
# loraf), LLAMA_CPP_BIN (default .llama.cpp/build/bin), TOKENS (default 24).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
adapter="${1:-$root/Tests/Fixtures/smollm2/peft_lora_causal}"
prompt="${2:-The capital of France is}"
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
tokens="${TOKENS:-24}"
loraf="${LORAF:-$(ls -t "$root"/.build*/release/loraf 2>/dev/null | head -1)}"
[ -x "$loraf" ] || { echo "check_llama_cpp_adapter: no loraf binary (swift build -c release, or set LORAF)" >&2; exit 1; }
bin="${LLAMA_CPP_BIN:-$root/.llama.cpp/build/bin}"
if [ -x "$bin/llama-completion" ]; then
  llama=("$bin/llama-completion" -no-cnv)
elif [ -x "$bin/llama-cli" ]; then
  llama=("$bin/llama-cli" -no-cnv)
else
  echo "check_llama_cpp_adapter: no llama-completion or llama-cli in $bin (run scripts/build_llama_cpp.sh)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$loraf" run -e 'local m = loraf.load_model(arg[1]); m:load_adapter(arg[2], "default"); print(#m:export_gguf_adapter(arg[3]) .. " tensors written to " .. arg[3])' \
  "$model" "$adapter" "$work/adapter.gguf"

llama_cpp() {  # greedy, no BOS added beyond what the model asks for, only the completion printed
  "${llama[@]}" -m "$model" -p "$prompt" -n "$tokens" --temp 0 --top-k 1 --seed 0 -t 2 --no-warmup "$@" 2>/dev/null \
    | sed "1s/^$(printf '%s' "$prompt" | sed 's/[][\/.^$*]/\\&/g')//"
}
loraf_generate() {
  "$loraf" generate "$model" --max-new-tokens "$tokens" --temperature 0 "$@" "$prompt"
}

echo "prompt: $prompt"
echo "llama.cpp          : $(llama_cpp | tr '\n' ' ')"
echo "loraf              : $(loraf_generate | tr '\n' ' ')"
echo "llama.cpp --lora   : $(llama_cpp --lora "$work/adapter.gguf" | tr '\n' ' ')"
echo "loraf --adapter    : $(loraf_generate --adapter "$adapter" | tr '\n' ' ')"
