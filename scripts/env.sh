# Sourced by every launcher and by ./run, ./test: finds the checkout and a JDK >= 21.
# Debian 12 ships only JDK 17, so we look for a newer one under /usr/lib/jvm (Temurin on these machines).
STARTOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export STARTOS_ROOT

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
    return 0
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-2* /usr/lib/jvm/java-2[1-9]* /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "error: no JDK >= 21 found under /usr/lib/jvm (install Temurin 21+ or set JAVA_HOME)" >&2
  return 1
}
pick_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"

STARTOS_LIB="$STARTOS_ROOT/dist/target/lib"
STARTOS_STAMP="$STARTOS_LIB/.built"

# Rebuilds the distribution when it is missing or any source, pom or script input is newer than it.
ensure_built() {
  (
    exec 9>"$STARTOS_ROOT/.build.lock"
    flock 9
    # the native hasher is optional (Java falls back), so a missing compiler is not an error
    make -s -C "$STARTOS_ROOT/b3range" >/dev/null 2>&1 || true
    if [ -f "$STARTOS_STAMP" ] && [ -z "$(cd "$STARTOS_ROOT" && find pom.xml */pom.xml */src \
        -newer "$STARTOS_STAMP" -print -quit 2>/dev/null)" ]; then
      exit 0
    fi
    echo "building startos (first run or sources changed)..." >&2
    (cd "$STARTOS_ROOT" && ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true >&2) || exit 1
    touch "$STARTOS_STAMP"
  )
}

run_main() {
  local main="$1"; shift
  ensure_built || exit 1
  exec "$JAVA_HOME/bin/java" ${STARTOS_JAVA_OPTS:-} -cp "$STARTOS_LIB/*" "$main" "$@"
}
