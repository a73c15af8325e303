#!/usr/bin/env bash
# Idle memory of a running service's runtime in real LXC containers, from the image the host uses (built
# idmapped, root = host uid 100000, as startd runs services). Run as root, under the shared LXC lock:
#   flock /work/lxc.lock ./measure-memory.sh [--services N] [--idle-ms MS] [--read-ahead-kb KB] [--shared-lower]
# Prints RSS/PSS/anon/file of each runtime (node), of all processes of each container and of each LXC
# monitor. Without arguments: one service with the loop device's default read-ahead (what startd does today),
# then one with read-ahead off (what README "Memory" asks of the host).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${MEASURE_IMAGE_DIR:-$HERE/build/image/idmapped}"
ROOTFS_UID=100000 "$HERE/build-image.sh" "$OUT" >&2
measure() { timeout 300 node "$HERE/test/measure-memory.mjs" "$OUT/rootfs.squashfs" --idmap 100000 "$@"; }
if [ $# -gt 0 ]; then
  measure "$@"
else
  measure
  measure --read-ahead-kb 0
fi
