#!/usr/bin/env bash
# Quick start, command one: install what is missing, build, and run cairnd in the foreground
# with its defaults (127.0.0.1:9292, data in ./cairn-data). Extra arguments go to cairnd.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
"$root/tools/build.sh" release cairnd cairn >&2
exec "$root/build/release/tools/cairnd" "$@"
