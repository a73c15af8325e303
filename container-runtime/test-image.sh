#!/usr/bin/env bash
# Builds the runtime image (cached) and boots it in a real LXC container with the fixture package.
# Run as root on the host: needs lxc, squashfs-tools, busybox-static. Usage: test-image.sh [OUT_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/build/image}"
"$HERE/build-image.sh" "$OUT/privileged"
timeout 120 node "$HERE/test/image-test.mjs" "$OUT/privileged/rootfs.squashfs"
# Unprivileged, as StartOS runs services: files owned by 100000, root mapped to host uid 100000.
ROOTFS_UID=100000 "$HERE/build-image.sh" "$OUT/idmapped"
IMAGE_TEST_IDMAP=100000 timeout 120 node "$HERE/test/image-test.mjs" "$OUT/idmapped/rootfs.squashfs"
