#!/usr/bin/env bash
# The seed's claim measured: a LoRA training step against a full fine-tuning step on the same batches (the main
# job's settings, scripts/bench_lora_vs_full.lua), alternating the two sides ROUNDS times (default 3) in separate
# processes (peak RSS never goes down within one), then the medians and ratios. Quote it with the CPU (lscpu) and
# load. Usage: scripts/bench_lora_vs_full.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
loraf=.build/release/loraf
[ -x "$loraf" ] || { echo "build first: swift build -c release -Xswiftc -enable-testing" >&2; exit 1; }
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
lines=()
for _ in $(seq "$rounds"); do
  for mode in lora full; do
    line="$("$loraf" run scripts/bench_lora_vs_full.lua "$mode" 2>/dev/null | grep "examples/s")"
    echo "$line"
    lines+=("$line")
  done
done
printf '%s\n' "${lines[@]}" | python3 -c '
import sys, statistics
rows = {}
for line in sys.stdin:
    f = line.split(); mode = f[0]
    values = dict(zip(f[1::2], map(float, f[2::2])))
    rows.setdefault(mode, []).append(values)
med = {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in rows.items()}
print("median over %d rounds" % len(rows["lora"]))
print("%-6s %12s %12s %13s %14s %12s %12s" % ("", "examples/s", "forward ms", "backward ms", "optimizer ms", "peak RSS MB", "trainable"))
for m in ("lora", "full"):
    v = med[m]
    print("%-6s %12.1f %12.1f %13.1f %14.1f %12.0f %12d" % (m, v["examples/s"], v["forward_ms"], v["backward_ms"], v["optimizer_ms"], v["peak_rss_mb"], v["trainable"]))
print("LoRA step time / full step time: %.2f   LoRA peak RSS / full: %.2f" % (med["full"]["examples/s"] / med["lora"]["examples/s"], med["lora"]["peak_rss_mb"] / med["full"]["peak_rss_mb"]))
'
