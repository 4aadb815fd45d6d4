#!/usr/bin/env bash
# deb.sh BUILD_DIR: builds the Debian package from BUILD_DIR (already built) with CPack, unpacks
# it into a throwaway root with `dpkg -x` (no root, no chroot, no maintainer scripts run; they
# are checked as files) and checks it the way an operator would meet it: its control fields and
# scripts, its files, the systemd unit (systemd-analyze verify against that root), the shipped
# configuration (read back by the packaged cairnd), and the packaged programs serving a request.
# dpkg -x rather than debootstrap: the checks need the package's files, not a full system.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "deb.sh: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$tmp"/out/cairn_*.deb)
root=$tmp/root
dpkg -x "$deb" "$root"
dpkg-deb -e "$deb" "$tmp/control"

# Control fields and maintainer scripts.
[[ $(dpkg-deb -f "$deb" Package) == cairn ]] || fail "package name is not cairn"
[[ $(dpkg-deb -f "$deb" Depends) == *adduser* ]] || fail "Depends lacks adduser: $(dpkg-deb -f "$deb" Depends)"
[[ $(dpkg-deb -f "$deb" Depends) == *libc6* ]] || fail "Depends lacks the shared libraries: $(dpkg-deb -f "$deb" Depends)"
grep -qx /etc/cairn/cairnd.toml "$tmp/control/conffiles" || fail "cairnd.toml is not a conffile"
for script in postinst prerm postrm; do
  [[ -x "$tmp/control/$script" ]] || fail "$script is missing or not executable"
  sh -n "$tmp/control/$script" || fail "$script does not parse"
done
grep -q 'adduser --system' "$tmp/control/postinst" || fail "postinst creates no system user"
grep -q 'chown cairn:cairn /var/lib/cairn' "$tmp/control/postinst" || fail "postinst does not give /var/lib/cairn to cairn"

# Files.
for file in usr/bin/cairnd usr/bin/cairn usr/share/man/man1/cairn.1 usr/share/man/man8/cairnd.8 \
            usr/share/bash-completion/completions/cairn usr/share/zsh/vendor-completions/_cairn \
            lib/systemd/system/cairnd.service etc/cairn/cairnd.toml; do
  [[ -f "$root/$file" ]] || fail "/$file is missing"
done
[[ -d "$root/var/lib/cairn" ]] || fail "/var/lib/cairn is missing"
[[ -z $(find "$root" -name '*.h' -o -name '*.a') ]] || fail "the service package carries development files"
for page in usr/share/man/man1/cairn.1 usr/share/man/man8/cairnd.8; do
  warnings=$(groff -man -Tutf8 -ww -z "$root/$page" 2>&1) || fail "/$page does not render"
  [[ -z "$warnings" ]] || fail "/$page: $warnings"
done
bash -n "$root/usr/share/bash-completion/completions/cairn" || fail "the bash completion does not parse"

# The unit: systemd's own check, against the unpacked root.
unit=$root/lib/systemd/system/cairnd.service
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -q '^LimitNOFILE=' "$unit" || fail "the unit sets no LimitNOFILE"
grep -qx 'User=cairn' "$unit" || fail "the unit does not run as cairn"
# The root gets this machine's own units (the targets the unit depends on by default) without
# replacing any of the package's, as on a system that has systemd; MANPATH lets verify find the
# man page the unit's Documentation= names. Any warning (an unknown key, say) fails the test.
cp -rn /lib/systemd/system/. "$root/lib/systemd/system/"
verify=$(MANPATH="$root/usr/share/man" SYSTEMD_LOG_LEVEL=notice \
         systemd-analyze verify --root="$root" /lib/systemd/system/cairnd.service 2>&1) ||
  fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"

# The programs run, and the packaged cairnd reads the packaged configuration.
"$root/usr/bin/cairn" --version | grep -q '^cairn ' || fail "cairn --version"
"$root/usr/bin/cairnd" --version | grep -q '^cairnd ' || fail "cairnd --version"
effective=$("$root/usr/bin/cairnd" --config "$root/etc/cairn/cairnd.toml" --print-config) ||
  fail "the packaged cairnd rejects the packaged configuration"
grep -q '^data-dir = "/var/lib/cairn"  # file ' <<<"$effective" || fail "data-dir is not /var/lib/cairn: $effective"

# And serve: the packaged config, on a free port and a temp data directory.
"$root/usr/bin/cairnd" --config "$root/etc/cairn/cairnd.toml" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
  --kafka-listen 127.0.0.1:0 --data-dir "$tmp/data" 2>"$tmp/cairnd.log" &
pid=$!
address=""
for _ in $(seq 1 600); do
  address=$(grep -o 'serving on 127\.0\.0\.1:[0-9]*' "$tmp/cairnd.log" | cut -d' ' -f3 || true)
  [[ -n "$address" ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/cairnd.log" >&2; fail "cairnd exited at start"; }
  sleep 0.1
done
[[ -n "$address" ]] || fail "cairnd did not start"
"$root/usr/bin/cairn" -b "$address" topics create packaged >/dev/null || fail "cairn topics create"
[[ $("$root/usr/bin/cairn" topics list -b "$address") == packaged ]] || fail "cairn topics list"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[[ $status -eq 0 ]] || { cat "$tmp/cairnd.log" >&2; fail "cairnd exited $status on SIGTERM"; }
echo "deb OK: $(basename "$deb") unpacked, unit verified, programs serve"
