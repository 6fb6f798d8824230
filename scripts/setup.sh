#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for loraf and builds it (release). Idempotent:
# installs liblua5.4-dev, libedit-dev, pkg-config and Open MPI (openmpi-bin, libopenmpi-dev) only when missing, fetches the model only
# when models/all-MiniLM-L6-v2 is incomplete, and lets SwiftPM rebuild only what changed.
# Needs Swift 6 (https://www.swift.org/install) on PATH.
#   scripts/setup.sh              installs what is missing and builds loraf (release)
#   scripts/setup.sh --deps-only  installs what is missing, without building (scripts/test.sh builds for testing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

missing=()
for package in liblua5.4-dev libedit-dev pkg-config openmpi-bin libopenmpi-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

command -v swift >/dev/null || { echo "setup: error: swift not found on PATH (install Swift 6 from swift.org)" >&2; exit 1; }

scripts/fetch_model.sh
if [ "${1:-}" = "--deps-only" ]; then exit 0; fi
swift build -c release
# Swift plugins compile against this build's modules (docs/plugins.md).
for manifest in plugins/*/Package.swift; do
  [ -e "$manifest" ] && .build/release/loraf plugin build "$(dirname "$manifest")"
done
echo "setup: built $root/.build/release/loraf"
