#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR [CXX_FLAGS]: installs the client package from BUILD_DIR into a temp
# prefix, checks that it holds exactly the public headers and the vocabulary headers they include,
# and builds the examples and every public header on its own against it with find_package(cairn).
set -euo pipefail
build=$1 source=$2 flags=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" --component Unspecified >/dev/null
installed=$(cd "$tmp/prefix/include" && find . -type f | sort)
expected=$({ (cd "$source/client/include" && find cairn -name '*.h' -printf './cairn/%p\n')
             printf './cairn/protocol/%s\n' status.h types.h; } | sort)
if [[ $installed != "$expected" ]]; then
  diff <(echo "$expected") <(echo "$installed") || true
  echo "package: the installed headers are not the public ones (< expected, > installed)" >&2
  exit 1
fi
cmake -S "$source/tests/package" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCAIRN_EXAMPLES_DIR="$source/client/examples" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$tmp/build" >/dev/null
test -x "$tmp/build/producer" && test -x "$tmp/build/at_least_once_consumer" && test -x "$tmp/build/umbrella"
echo "package OK: exactly the public headers, each compiling alone; cairn::client and the examples build from $tmp/prefix"
