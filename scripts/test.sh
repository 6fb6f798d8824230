#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test in release mode: the numeric tests are too slow
# in debug builds, and -enable-testing keeps @testable imports working in release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
swift test -c release -Xswiftc -enable-testing "$@"
