# Builds the SDK test packages (npm ci, bundles, busybox image root filesystems); see test-packages/README.md.
bash "$(dirname "${BASH_SOURCE[0]}")/../test-packages/build.sh"
