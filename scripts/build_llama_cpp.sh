#!/usr/bin/env bash
# Builds llama.cpp's llama-bench, llama-completion and llama-export-lora from the source vendored in the PyPI sdist of
# llama-cpp-python (the reference for scripts/bench_generate.sh; not used by the tests or CI). Everything goes into the
# git-ignored .llama.cpp/ folder; the binaries end up in .llama.cpp/build/bin/. Idempotent.
#   scripts/build_llama_cpp.sh [VERSION]     (default 0.3.36)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:-0.3.36}"
dir="$root/.llama.cpp"
mkdir -p "$dir"
cd "$dir"
if [ ! -d "src-$version" ]; then
  archive="llama_cpp_python-$version.tar.gz"
  if [ ! -s "$archive" ]; then
    echo "build_llama_cpp: downloading the llama-cpp-python $version sdist from PyPI"
    python3 - "$version" "$archive" <<'PY'
import json, sys, urllib.parse, urllib.request
version, archive = sys.argv[1:]
index = f"https://pypi.org/pypi/llama-cpp-python/{version}/json"
files = [f for f in json.load(urllib.request.urlopen(index, timeout=60))["urls"] if f["packagetype"] == "sdist"]
if not files:
    sys.exit(f"build_llama_cpp: no sdist for llama-cpp-python {version}")
urllib.request.urlretrieve(urllib.parse.urljoin(index, files[0]["url"]), archive + ".partial")
PY
    mv "$archive.partial" "$archive"
  fi
  rm -rf "src-$version.partial" && mkdir "src-$version.partial"
  tar -xzf "$archive" -C "src-$version.partial" --strip-components=1
  mv "src-$version.partial" "src-$version"
fi
command -v cmake >/dev/null || python3 -m pip install --quiet cmake
cmake -S "src-$version/vendor/llama.cpp" -B build -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
targets=(llama-bench llama-export-lora)
available="$(cmake --build build --target help)"
grep -q "llama-completion" <<<"$available" && targets+=(llama-completion) || targets+=(llama-cli)
cmake --build build -j "${JOBS:-2}" --target "${targets[@]}"
ls -1 build/bin
