# Installs the official SDK used by the cross-implementation tests (pinned by package-lock.json).
cd "$(dirname "${BASH_SOURCE[0]}")/../test-tools/sdk-compat" && npm ci --no-audit --no-fund --loglevel=error
