#!/usr/bin/env bash
# Assembles the root filesystem of a service's LXC container from this host's binaries and packs it as
# OUT_DIR/rootfs.squashfs (zstd). Reproducible (fixed mtimes/owners, sorted input) and cached: when the
# inputs' digest matches OUT_DIR/rootfs.inputs, nothing is rebuilt.
#
#   build-image.sh OUT_DIR
#
# Env: ROOTFS_UID / ROOTFS_GID (default 0): owner of every file in the image (100000 for an idmapped
#      container whose root is host uid 100000); SOURCE_DATE_EPOCH (default 0): the mtime of every file;
#      SQUASHFS_BLOCK (default 4096): the squashfs block size. Small blocks keep a service's memory small:
#      squashfs puts a whole decompressed block into the page cache on a page fault, and the kernel's
#      fault-around then maps every cached page near it into node, so with 128 KiB blocks an idle runtime
#      maps 37 MiB of node's 94 MiB executable, with 4 KiB blocks 19 MiB (when the host also turns off
#      read-ahead on the image's loop device; README "Memory"). Costs ~20% more image size.
# Needs: node (/usr/bin/node), util-linux mount, busybox-static, squashfs-tools, gcc/make, and the runtime's
#        npm dependencies (npm ci runs when node_modules is missing). rsync is included when the host has it
#        (the SDK's Backups use it).
set -euo pipefail

OUT_DIR="${1:?usage: build-image.sh OUT_DIR}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SC_DIR="$(cd "$HERE/../start-container" && pwd)"
ROOTFS_UID="${ROOTFS_UID:-0}"
ROOTFS_GID="${ROOTFS_GID:-$ROOTFS_UID}"
EPOCH="${SOURCE_DATE_EPOCH:-0}"
BLOCK="${SQUASHFS_BLOCK:-4096}"
START=$(date +%s%N)

fail() {
  echo "build-image: $*" >&2
  exit 1
}
need() { command -v "$1" >/dev/null || fail "$1 is missing ($2)"; }
need mksquashfs "apt-get install squashfs-tools"
need make "apt-get install make gcc"
need ldd "libc-bin"

NODE="$(readlink -f "$(command -v node || echo /usr/bin/node)")"
[ -x "$NODE" ] || fail "node is missing (apt-get install nodejs)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || fail "$BUSYBOX is not busybox-static (apt-get install busybox-static)"
MOUNT="$(readlink -f /bin/mount)"
UMOUNT="$(readlink -f /bin/umount)"
[ -x "$MOUNT" ] && [ -x "$UMOUNT" ] || fail "util-linux mount/umount are missing (apt-get install mount)"
RSYNC="$(command -v rsync || true)"

# Our own pieces, built when stale.
make -s -C "$SC_DIR" >/dev/null
(
  cd "$HERE"
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
  if [ ! -f dist/index.js ] || [ -n "$(find src package-lock.json -newer dist/index.js 2>/dev/null | head -1)" ]; then
    npm run -s build
  fi
)

# Executables copied into the image (their shared libraries follow).
EXES=("$NODE" "$MOUNT" "$UMOUNT")
[ -n "$RSYNC" ] && EXES+=("$(readlink -f "$RSYNC")")
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}'; }
mapfile -t LIBS < <(for e in "${EXES[@]}"; do libs_of "$e"; done | sort -u)
EXTRA_FILES=()
for f in /etc/ssl/certs/ca-certificates.crt /etc/ssl/openssl.cnf; do [ -f "$f" ] && EXTRA_FILES+=("$f"); done

# Cache key: this script, every input file's content, the options.
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
DIGEST="$({
  echo "uid=$ROOTFS_UID gid=$ROOTFS_GID epoch=$EPOCH block=$BLOCK"
  sha256sum "${BASH_SOURCE[0]}" "$HERE/dist/index.js" "$HERE/image/start-runtime" "$SC_DIR/build/start-container" "$SC_DIR/build/container-init" \
    "$BUSYBOX" "${EXES[@]}" "${LIBS[@]}" "${EXTRA_FILES[@]}" | awk '{print $1}'
} | sha256sum | awk '{print $1}')"
if [ -f "$OUT_DIR/rootfs.squashfs" ] && [ "$(cat "$OUT_DIR/rootfs.inputs" 2>/dev/null)" = "$DIGEST" ]; then
  echo "build-image: $OUT_DIR/rootfs.squashfs is up to date ($(du -h "$OUT_DIR/rootfs.squashfs" | cut -f1))"
  exit 0
fi

WORK="$(mktemp -d "$OUT_DIR/.rootfs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"

# Merged-/usr layout like Debian's.
mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/{etc,proc,sys,dev,run,tmp,root,var/tmp,var/log,mnt}
ln -s usr/bin "$R/bin"
ln -s usr/sbin "$R/sbin"
ln -s usr/lib "$R/lib"
ln -s usr/lib64 "$R/lib64"
chmod 1777 "$R/tmp" "$R/var/tmp"
chmod 700 "$R/root"

put() { # put SRC DEST_IN_IMAGE [MODE]
  local dest="$R/${2#/}"
  mkdir -p "$(dirname "$dest")"
  cp -L "$1" "$dest"
  chmod "${3:-0755}" "$dest"
}
for lib in "${LIBS[@]}"; do
  # /lib/x86_64-linux-gnu/... lands in /usr/lib/... through the /lib symlink.
  case "$lib" in
    /usr/*) put "$lib" "$lib" 0755 ;;
    /lib/* | /lib64/*) put "$lib" "/usr$lib" 0755 ;;
    *) put "$lib" "$lib" 0755 ;;
  esac
done
put "$NODE" /usr/bin/node
put "$MOUNT" /usr/bin/mount
put "$UMOUNT" /usr/bin/umount
[ -n "$RSYNC" ] && put "$RSYNC" /usr/bin/rsync
put "$BUSYBOX" /usr/bin/busybox
for applet in $("$BUSYBOX" --list-full); do
  target="$R/usr/${applet#usr/}" # bin/x, sbin/x and usr/bin/x all land under /usr
  [ -e "$target" ] || [ -L "$target" ] || ln -s /usr/bin/busybox "$target"
done
put "$SC_DIR/build/start-container" /usr/bin/start-container
put "$SC_DIR/build/container-init" /usr/sbin/container-init
ln -sf container-init "$R/usr/sbin/init"
put "$HERE/dist/index.js" /usr/lib/startos/container-runtime/index.js 0644
# The launcher container-init should run (node with the memory-saving flags); see README "Memory".
put "$HERE/image/start-runtime" /usr/lib/startos/container-runtime/start-runtime 0755
for f in "${EXTRA_FILES[@]}"; do put "$f" "$f" 0644; done
[ -f "$R/etc/ssl/openssl.cnf" ] && mkdir -p "$R/usr/lib/ssl" && ln -s /etc/ssl/openssl.cnf "$R/usr/lib/ssl/openssl.cnf"

# The paths the host binds in and the SDK assumes.
mkdir -p "$R"/media/startos/{volumes,assets,images,subcontainers,backup,rpc} "$R/usr/lib/startos/package"

cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
printf 'hosts: files dns\n' >"$R/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$R/etc/hosts"
: >"$R/etc/resolv.conf" # the host writes the real one; the SDK copies it into subcontainers
printf 'startos-service\n' >"$R/etc/hostname"
cat >"$R/etc/os-release" <<'EOF'
NAME="StartOS container runtime"
ID=startos-runtime
VERSION_ID=0.4
EOF
cat >"$R/etc/startos-runtime.env" <<'EOF'
# Defaults the runtime reads (the host may override them in the LXC config with lxc.environment).
STARTOS_SERVICE_SOCK=/media/startos/rpc/service.sock
STARTOS_HOST_SOCK=/media/startos/rpc/host.sock
STARTOS_PACKAGE_JS=/usr/lib/startos/package/index.js
EOF

# Sanity: the image's node runs our bundle with only the image's libraries.
if ! "$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu" "$R/usr/bin/node" \
  -e 'process.exit(0)' >/dev/null 2>&1; then
  fail "node does not start with only the image's libraries"
fi

find "$R" -exec touch -h -d "@$EPOCH" {} +
rm -f "$WORK/rootfs.squashfs"
mksquashfs "$R" "$WORK/rootfs.squashfs" -comp zstd -Xcompression-level 6 -b "$BLOCK" -noappend -quiet -no-progress -no-xattrs \
  -force-uid "$ROOTFS_UID" -force-gid "$ROOTFS_GID" -all-time "$EPOCH" -mkfs-time "$EPOCH" >/dev/null
mv "$WORK/rootfs.squashfs" "$OUT_DIR/rootfs.squashfs"
echo "$DIGEST" >"$OUT_DIR/rootfs.inputs"

MS=$((($(date +%s%N) - START) / 1000000))
SIZE=$(stat -c %s "$OUT_DIR/rootfs.squashfs")
echo "build-image: $OUT_DIR/rootfs.squashfs $((SIZE / 1024 / 1024)) MiB ($SIZE bytes), built in ${MS} ms, sha256 $(sha256sum "$OUT_DIR/rootfs.squashfs" | cut -c1-16)"
