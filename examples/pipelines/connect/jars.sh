# Sourced by the scripts beside it: CONNECT_LIB names a folder holding every jar of pom.xml,
# copied from the local Maven repository (fetched from Maven Central the first time).
CONNECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONNECT_LIB="${CONNECT_LIB:-$CONNECT_DIR/target/lib}"

connect_jars() {
  [ -f "$CONNECT_LIB/.complete" ] && return 0
  rm -rf "$CONNECT_LIB"
  { mvn -B -q -o -f "$CONNECT_DIR/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$CONNECT_LIB" >/dev/null 2>&1 ||
    mvn -B -q -f "$CONNECT_DIR/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$CONNECT_LIB"; } && touch "$CONNECT_LIB/.complete"
}
