#!/usr/bin/env bash
# Installs what the build, the daemon and the suite need on a Debian 12 machine (idempotent, root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages: containers, images, hashing, networking; keys and chattr for the tests that use them.
PACKAGES=(squashfs-tools b3sum busybox-static lxc uidmap nftables iproute2 curl ca-certificates rsync util-linux nodejs npm gcc make libc6-dev
  openssh-client openssl e2fsprogs)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node/npm may come from outside Debian on some machines; do not fight them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Unprivileged containers map root to 100000..165535 (as StartOS's LXC template does); each package
# runs in its own range of 65536 ids from 0x70000000 (startos.container.IdRanges), which LXC maps
# through newuidmap, so root must own the whole pool (4096 ranges) in subuid/subgid.
if [ "$(id -u)" = 0 ]; then
  for f in /etc/subuid /etc/subgid; do
    grep -q '^root:100000:65536' "$f" 2>/dev/null || echo root:100000:65536 >>"$f"
    grep -q '^root:1879048192:268435456' "$f" 2>/dev/null || echo root:1879048192:268435456 >>"$f"
  done
fi

# Native helpers: the S9PK verifier's BLAKE3-of-a-file-range tool.
make -s -C "$ROOT/b3range"

# npm projects (test packages, container runtime, SDK cross-checks) install their own deps.
for d in "$ROOT"/npm-projects.d/*.sh; do
  [ -e "$d" ] && bash "$d"
done
exit 0
