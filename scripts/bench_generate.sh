#!/usr/bin/env bash
# Prefill (pp) and decode (tg) tokens/s and peak RSS of SmolLM2-135M-Instruct Q4_1 at 1 and 2 threads: loraf
# (`loraf bench generate`; tg int8: decoding with int8 activations where the CPU has AVX-512 VNNI, "-" elsewhere)
# next to llama.cpp's llama-bench on the same GGUF (whose tg always quantizes activations to 8 bits), the two alternated ROUNDS times, the
# best of each side kept, and one table with the ratios. Needs a release build (scripts/setup.sh) and llama.cpp
# (scripts/build_llama_cpp.sh, git-ignored .llama.cpp/). Not run in CI; measure on a quiet machine.
#   scripts/bench_generate.sh [ROUNDS]     (default 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
model="models/SmolLM2-135M-Instruct.Q4_1.gguf"
bench="$root/.llama.cpp/build/bin/llama-bench"
[ -x .build/release/loraf ] || { echo "bench_generate: build loraf first (scripts/setup.sh)" >&2; exit 1; }
[ -x "$bench" ] || { echo "bench_generate: $bench is missing: run scripts/build_llama_cpp.sh" >&2; exit 1; }
[ -s "$model" ] || scripts/fetch_model.sh smollm2
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  for threads in 1 2; do
    .build/release/loraf bench generate "$model" --threads "$threads" --json > "$out/loraf-$round-$threads.json"
    python3 - "$out/llama-$round-$threads.json" "$bench" -m "$model" -p 128 -n 64 -t "$threads" -r 3 -o json <<'PY'
import json, os, subprocess, sys
out, *cmd = sys.argv[1:]
pid = os.fork()
if pid == 0:
    fd = os.open(out + ".raw", os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 1); os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    os.execv(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
assert status == 0, f"llama-bench failed ({status})"
rows = json.load(open(out + ".raw"))
json.dump({"rows": rows, "peak_rss_mb": usage.ru_maxrss / 1024}, open(out, "w"))
PY
  done
done
python3 - "$out" "$rounds" <<'PY'
import glob, json, os, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def best(values): return max(values)
print(f"SmolLM2-135M-Instruct Q4_1 GGUF, prompt 128 tokens, 64 generated; best of {rounds} alternated rounds")
print(f"{'threads':>7} {'':>10} {'pp tok/s':>10} {'tg tok/s':>10} {'tg int8':>10} {'peak RSS MB':>12}")
for threads in (1, 2):
    ours = [json.load(open(p))[0] for p in glob.glob(f"{out}/loraf-*-{threads}.json")]
    theirs = [json.load(open(p)) for p in glob.glob(f"{out}/llama-*-{threads}.json")]
    def llama(kind):
        return best(r["avg_ts"] for t in theirs for r in t["rows"] if (r["n_prompt"] > 0) == (kind == "pp"))
    pp, tg = best(r["prefillTokensPerSecond"] for r in ours), best(r["decodeTokensPerSecond"] for r in ours)
    int8 = [r["decodeInt8TokensPerSecond"] for r in ours if "decodeInt8TokensPerSecond" in r]
    tg8 = best(int8) if int8 else None
    def cell(value, fmt): return f"{value:>10{fmt}}" if value is not None else f"{'-':>10}"
    rss = min(r["peakRSSMegabytes"] for r in ours)
    lpp, ltg, lrss = llama("pp"), llama("tg"), min(t["peak_rss_mb"] for t in theirs)
    print(f"{threads:>7} {'loraf':>10} {pp:>10.1f} {tg:>10.1f} {cell(tg8, '.1f')} {rss:>12.0f}")
    print(f"{threads:>7} {'llama.cpp':>10} {lpp:>10.1f} {ltg:>10.1f} {ltg:>10.1f} {lrss:>12.0f}")
    print(f"{threads:>7} {'ratio':>10} {pp / lpp:>10.2f} {tg / ltg:>10.2f} {cell(tg8 / ltg if tg8 else None, '.2f')} {rss / lrss:>12.2f}")
print(f"file size: {os.path.getsize('models/SmolLM2-135M-Instruct.Q4_1.gguf') / 2**20:.0f} MB; CPU: " +
      next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')) +
      f"; load average at the end: {os.getloadavg()[0]:.1f}")
PY
