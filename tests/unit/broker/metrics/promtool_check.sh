#!/usr/bin/env bash
# promtool_check.sh SAMPLE_PROGRAM: Prometheus's own linter passes on the exposition the sample
# program prints, and every metric of the catalogue is in it.
set -euo pipefail
sample=$1
command -v promtool >/dev/null || { echo "promtool is missing: run tools/install-deps.sh" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$sample" >"$out"
promtool check metrics <"$out"
families=$(grep -c '^# TYPE ' "$out")
echo "promtool: $families metrics, $(grep -vc '^#' "$out") samples, no problems"
