#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds the Swift plugins, and runs every test in release mode: the numeric tests are too slow
# in debug builds, and -enable-testing keeps @testable imports working in release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh --deps-only
# The Python safetensors and gguf packages let the interop tests read our files with the reference implementations
# (they skip, saying so, without them); gguf is also the reference for the GGUF dequantization test.
python3 -c "import safetensors, gguf, numpy" 2>/dev/null || python3 -m pip install --quiet safetensors gguf numpy || true
# Swift plugins compile against the modules of the loraf build that loads them (docs/plugins.md): build the tests
# first, then every plugin against that build (a few seconds each; loraf itself is not rebuilt).
swift build -c release -Xswiftc -enable-testing --build-tests
for manifest in plugins/*/Package.swift; do
  .build/release/loraf plugin build "$(dirname "$manifest")"
done
# --skip-build: a second build by `swift test` would recompile every module the plugins were just built against.
# Only XCTest is used (--disable-swift-testing: no empty Swift Testing run); the last line repeats XCTest's totals
# as "N passed, N failed".
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing "$@" 2>&1 | tee "$log" || status=$?
summary="$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)"
if [ -n "$summary" ]; then
  executed="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")"
  failures="$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")"
  echo "$((executed - failures)) passed, $failures failed"
fi
exit "$status"
