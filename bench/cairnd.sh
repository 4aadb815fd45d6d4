# Sourced by the benchmark scripts.
# start_cairnd CAIRND TMP [ARGS...]: starts CAIRND with its data in TMP/data and its log in
# TMP/log, the Cairn listener on an ephemeral loopback port, the Kafka and HTTP listeners off, and
# ARGS (--fsync, --threads, ...); once it serves, sets cairnd_pid and port. Exits with the log
# when it does not serve within 20 s.
start_cairnd() {
  local bin=$1 tmp=$2
  shift 2
  "$bin" --listen 127.0.0.1:0 --kafka-listen '' --http-listen '' --data-dir "$tmp/data" "$@" \
    >"$tmp/log" 2>&1 &
  cairnd_pid=$!
  for _ in $(seq 200); do
    port=$(grep -o 'serving on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
    [[ -n "$port" ]] && return
    sleep 0.1
  done
  cat "$tmp/log" >&2
  exit 1
}

# release_binaries [TARGET...]: sets cairnd and cairn to $CAIRND and $CAIRN, or, when CAIRND is
# not set, builds the release tree's (and TARGETs) and takes those.
release_binaries() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if [[ -z "${CAIRND:-}" ]]; then
    "$root/tools/build.sh" release cairnd cairn "$@" >/dev/null
  fi
  cairnd=${CAIRND:-$root/build/release/tools/cairnd}
  cairn=${CAIRN:-$root/build/release/tools/cairn}
}
