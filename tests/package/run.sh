#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR [CXX_FLAGS]: installs the client package from BUILD_DIR into a temp
# prefix and builds the examples against it with find_package(cairn).
set -euo pipefail
build=$1 source=$2 flags=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" --component Unspecified >/dev/null
cmake -S "$source/tests/package" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCAIRN_EXAMPLES_DIR="$source/client/examples" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$tmp/build" >/dev/null
test -x "$tmp/build/producer" && test -x "$tmp/build/at_least_once_consumer"
echo "package OK: headers, cairn::client and the examples build from $tmp/prefix"
