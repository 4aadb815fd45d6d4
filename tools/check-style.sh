#!/usr/bin/env bash
# check-style.sh format|tidy|fix [--all | FILE...]: the house style of .clang-format and .clang-tidy.
#   format  C++ files are formatted as clang-format formats them. By default, the files changed
#           since the style was adopted (the commit that added .clang-format): code is formatted
#           as it is touched, so a file is either untouched since then or formatted.
#   tidy    clang-tidy's checks (.clang-tidy) on C++ sources. By default, the sources this branch
#           changed since it left main or, on main itself, those the last commit changed (for a
#           merge, what it brought in); it takes ~10 s of CPU per source, so the whole tree
#           (--all) is a manual run.
#   fix     reformats the default set of format (or the FILEs, or --all) in place.
# --all checks every file, FILE... the ones named. The test suite runs `format` and `tidy`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:?usage: check-style.sh format|tidy|fix [--all | FILE...]}
shift

existing() { while IFS= read -r f; do [[ -f "$f" ]] && echo "$f"; done; }

# select_files cxx|sources [--all | FILE...]: sets `files` to what the mode looks at.
select_files() {
  local kind=$1; shift
  local patterns=('*.cc'); [[ "$kind" == cxx ]] && patterns=('*.h' '*.cc')
  if [[ "${1:-}" == "--all" ]]; then
    mapfile -t files < <(git ls-files -- "${patterns[@]}")
    return
  elif [[ $# -gt 0 ]]; then
    files=("$@")
    return
  fi
  local base=""
  if [[ "$mode" == tidy ]]; then
    base=$(git merge-base HEAD main 2>/dev/null || true)
    if [[ -z "$base" || "$base" == "$(git rev-parse HEAD)" ]]; then
      base=$(git rev-parse --verify -q HEAD^1 || true)
    fi
  else
    local adopted
    adopted=$(git log --diff-filter=A --format=%H -- .clang-format | tail -1)
    if [[ -z "$adopted" ]]; then
      base=HEAD  # not committed yet: what the working tree changes
    else
      base=$(git rev-parse --verify -q "$adopted^1" || true)
    fi
  fi
  if [[ -z "$base" ]]; then
    echo "check-style: no commit to compare with; pass --all or files" >&2
    exit 2
  fi
  mapfile -t files < <({ git diff --name-only --diff-filter=AMR "$base" -- "${patterns[@]}"
                         git ls-files --others --exclude-standard -- "${patterns[@]}"; } |
                       sort -u | existing)
}

case "$mode" in
  format)
    select_files cxx "$@"
    bad=()
    for f in "${files[@]}"; do
      clang-format-14 --style="file:$root/.clang-format" --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    if [[ ${#bad[@]} -gt 0 ]]; then
      printf 'check-style: not formatted: %s\n' "${bad[@]}" >&2
      echo "check-style: tools/check-style.sh fix formats them" >&2
      exit 1
    fi
    echo "check-style: ${#files[@]} files formatted"
    ;;
  fix)
    select_files cxx "$@"
    [[ ${#files[@]} -eq 0 ]] || clang-format-14 --style="file:$root/.clang-format" -i "${files[@]}"
    ;;
  tidy)
    # Diagnostics in a header count when that header is checked too: every header with --all,
    # else the headers the same change touched.
    if [[ "${1:-}" == "--all" ]]; then
      header_filter='/(protocol|storage|broker|client|tls|tools|tests|bench)/'
    else
      select_files cxx
      header_filter='^$'
      for f in "${files[@]}"; do
        [[ "$f" == *.h ]] && header_filter+="|/${f//./\\.}\$"
      done
    fi
    select_files sources "$@"
    # clang-tidy reads a clang compilation database without precompiled headers; configure only.
    dir="$root/build/tidy"
    if [[ ! -f "$dir/compile_commands.json" ]]; then
      cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
        -DCAIRN_SANITIZE=OFF -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
    fi
    targets=()
    for f in "${files[@]}"; do
      grep -q "\"file\": \"$root/$f\"" "$dir/compile_commands.json" && targets+=("$f")
    done
    if [[ ${#targets[@]} -eq 0 ]]; then
      echo "check-style: no changed sources to tidy"
      exit 0
    fi
    echo "check-style: clang-tidy on ${#targets[@]} sources"
    # Boost 1.74's Asio recognises clang's C++20 coroutines only when told.
    printf '%s\n' "${targets[@]}" |
      xargs -P "$(nproc)" -n 4 clang-tidy-14 -p "$dir" --quiet --config-file="$root/.clang-tidy" \
        --header-filter="$header_filter" \
        --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 \
        2> >(grep -v -E 'warnings? generated|^Suppressed|^Use -header-filter' >&2)
    ;;
  *) echo "check-style: unknown mode '$mode' (format, tidy or fix)" >&2; exit 2 ;;
esac
