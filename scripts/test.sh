#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds the Swift plugins, and runs every test in release mode: the numeric tests are too slow
# in debug builds, and -enable-testing keeps @testable imports working in release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
# Swift plugins compile against the modules of the loraf build that loads them (docs/plugins.md): build the tests
# first, then every plugin against that build (a few seconds each; loraf itself is not rebuilt).
swift build -c release -Xswiftc -enable-testing --build-tests
for manifest in plugins/*/Package.swift; do
  .build/release/loraf plugin build "$(dirname "$manifest")"
done
# --skip-build: a second build by `swift test` would recompile every module the plugins were just built against.
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
