#!/usr/bin/env bash
# include_probe.sh finds|cannot-find HEADER COMPILER [FLAGS...]: compiles a file that holds only
# `#include "HEADER"`, with FLAGS (a target's include directories).
#   finds        it must compile;
#   cannot-find  it must fail, because HEADER is not on the include path (not for another reason).
set -euo pipefail
expect=$1 header=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "%s"\n' "$header" >"$tmp/probe.cc"
if output=$("$@" -fsyntax-only "$tmp/probe.cc" 2>&1); then compiled=yes; else compiled=no; fi
case $expect in
  finds)
    [[ $compiled == yes ]] && exit 0
    printf '%s\n' "$output"
    echo "include_probe: \"$header\" should compile with these include directories" >&2
    ;;
  cannot-find)
    # The probe's own include must be the one not found (g++ and clang spell it differently),
    # not one inside a header it found.
    if [[ $compiled == no ]] && grep -Fq -e "error: $header: No such file or directory" \
                                         -e "error: '$header' file not found" <<<"$output"; then
      exit 0
    fi
    printf '%s\n' "$output"
    echo "include_probe: \"$header\" should not be on these include directories" >&2
    ;;
  *)
    echo "usage: include_probe.sh finds|cannot-find HEADER COMPILER [FLAGS...]" >&2
    exit 2
    ;;
esac
exit 1
