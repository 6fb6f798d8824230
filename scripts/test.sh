#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test in release mode: the numeric tests are too slow
# in debug builds, and -enable-testing keeps @testable imports working in release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh --deps-only
# The Python safetensors package lets the interop tests read our files with the reference implementation
# (they skip, saying so, without it).
python3 -c "import safetensors, numpy" 2>/dev/null || python3 -m pip install --quiet safetensors numpy || true
swift test -c release -Xswiftc -enable-testing "$@"
