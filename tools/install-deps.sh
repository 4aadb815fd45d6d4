#!/usr/bin/env bash
# Installs, from Debian 12's apt repositories, whatever Cairn needs to build and test that this
# machine lacks, then the browser test's npm packages (pinned by tests/browser/package-lock.json,
# from npm's cache when it has them). Idempotent: when everything is there it changes nothing and
# needs no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev liburing-dev libxxhash-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev
  libssl-dev openssl
  clang libclang-rt-14-dev clang-format-14 clang-tidy-14
  prometheus chromium chromium-driver
  dpkg-dev file groff-base systemd  # the package test: cpack, man pages, systemd-analyze
  kcat  # the Kafka listener's tests: an unmodified librdkafka client
)
# Node.js runs the console's tests; the machine's own (20 or later) is preferred to Debian's.
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

install_browser_test_packages() {
  local dir="$root/tests/browser"
  local stamp="$dir/node_modules/.installed-from-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "install-deps: npm ci in tests/browser" >&2
    (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

# The Kafka listener's Python tests: confluent-kafka at the pinned version.
install_python_test_packages() {
  local req="$root/tests/kafka/requirements.txt"
  local pinned
  pinned=$(grep -v '^#' "$req" | tr -d ' ')
  if [[ "$(python3 -m pip freeze 2>/dev/null | grep -i '^confluent-kafka==')" != "$pinned" ]]; then
    echo "install-deps: pip install -r tests/kafka/requirements.txt" >&2
    python3 -m pip install -q --disable-pip-version-check -r "$req" >/dev/null
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_browser_test_packages
  install_python_test_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_browser_test_packages
install_python_test_packages
