#!/usr/bin/env bash
# Runtime tests without the Java host (< 60 s). Builds what is missing first.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
[ -f dist/index.js ] && [ -z "$(find src -newer dist/index.js -name '*.ts')" ] || npm run -s build
make -s -C ../start-container >/dev/null
exec timeout 60 node test/run-tests.mjs
