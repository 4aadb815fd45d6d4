#!/usr/bin/env bash
# build.sh release|asan [targets...]: configures (once) and builds one of Cairn's two builds.
#   release  build/release     -O2, what you run and benchmark
#   asan     build/asan        Debug with AddressSanitizer + UndefinedBehaviorSanitizer, for tests
#   fuzz     build/fuzz        clang, libFuzzer + ASan + UBSan, the fuzz targets only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:?usage: build.sh release|asan [targets...]}
shift
case "$kind" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release -DCAIRN_SANITIZE=OFF) ;;
  asan) flags=(-DCMAKE_BUILD_TYPE=Debug -DCAIRN_SANITIZE=ON) ;;
  fuzz) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAIRN_SANITIZE=ON -DCAIRN_BUILD_FUZZ=ON
               -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "build.sh: unknown build '$kind' (release, asan or fuzz)" >&2; exit 2 ;;
esac
dir="$root/build/$kind"
# ccache: hit across checkouts (paths relative to the checkout) and with precompiled headers.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)" ${1:+--target "$@"}
