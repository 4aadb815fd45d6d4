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
  openjdk-17-jdk-headless maven  # and Apache Kafka's Java client and tools (tests/kafka/java)
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

# The Kafka listener's Java tests: kafka-clients and kafka-tools at the versions the pom pins,
# with the Maven plugins that build it, into the local Maven repository; the test build then
# works offline (mvn -o). A package run into a scratch folder resolves exactly what it needs.
install_java_test_packages() {
  local pom="$root/tests/kafka/java/pom.xml"
  local stamp="${HOME}/.m2/cairn-kafka-java.pom"
  if ! cmp -s "$pom" "$stamp"; then
    echo "install-deps: mvn package tests/kafka/java (dependencies into ~/.m2)" >&2
    local scratch
    scratch=$(mktemp -d)
    mvn -B -q -Dstyle.color=never -f "$pom" package "-Dcairn.out=$scratch" >/dev/null
    rm -rf "$scratch"
    cp "$pom" "$stamp"
  fi
}

# The pipeline tests' jars: Kafka Connect and MirrorMaker 2 (examples/pipelines/connect), Kafka
# Streams and Apache Flink (examples/pipelines/streams and flink, built with their plugins) and
# a real Apache Kafka broker (bench/peers/kafka), resolved once into ~/.m2, so the tests copy
# and build offline.
install_pipeline_packages() {
  local pom stamp scratch
  for pom in "$root/examples/pipelines/connect/pom.xml" "$root/examples/pipelines/streams/pom.xml" \
             "$root/examples/pipelines/flink/pom.xml" \
             "$root/bench/peers/kafka/pom.xml"; do
    stamp="${HOME}/.m2/cairn-$(basename "$(dirname "$pom")").pom"
    cmp -s "$pom" "$stamp" && continue
    echo "install-deps: mvn ${pom#"$root"/}" >&2
    scratch=$(mktemp -d)
    if grep -q "<packaging>pom</packaging>" "$pom"; then
      mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
        "-DoutputDirectory=$scratch" >/dev/null
    else
      mvn -B -q -Dstyle.color=never -f "$pom" package "-Dcairn.out=$scratch" >/dev/null
    fi
    rm -rf "$scratch"
    cp "$pom" "$stamp"
  done
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_browser_test_packages
  install_python_test_packages
  install_java_test_packages
  install_pipeline_packages
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
install_java_test_packages
install_pipeline_packages
