#!/usr/bin/env bash
# The format check fails on a file that is not formatted, and passes once it is fixed: proof that
# style.format can fail.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'int  add(int a,int b){return a+b;}\n' > "$dir/sample.cc"
if "$root/tools/check-style.sh" format "$dir/sample.cc" 2>/dev/null; then
  echo "style: a misformatted file passed the format check" >&2
  exit 1
fi
"$root/tools/check-style.sh" fix "$dir/sample.cc"
"$root/tools/check-style.sh" format "$dir/sample.cc"
