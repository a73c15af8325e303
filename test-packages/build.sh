#!/usr/bin/env bash
# Builds the SDK test packages for the tests: installs the pinned npm dependencies, type-checks and
# bundles each package into <pkg>/javascript/index.js, and makes each package's image root
# filesystem (busybox-static with its applet links) in <pkg>/build/image-busybox/.
# Idempotent, and quick when nothing changed. Packing into .s9pk is done by our start-cli (README.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PACKAGES=(hello-world init-fails crasher dep-watcher slow-init hostile actions-demo task-demo
  dependent-demo smtp-demo)
BUSYBOX=${BUSYBOX:-/bin/busybox}
BIN=node_modules/.bin

log() { printf 'test-packages: %s\n' "$*"; }

# true if any of the given paths is newer than $1 (or $1 is missing)
stale() {
  local target=$1
  shift
  [ -e "$target" ] || return 0
  [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}

# 1. dependencies, exactly as locked
if stale node_modules/.ci-done package.json package-lock.json */package.json; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.ci-done
fi

# 2. bundle: javascript/index.js is what StartOS loads, and its `manifest` export becomes manifest.json
bundle() { # <pkg> <out-file> <hello-world release>
  "$BIN/esbuild" "$1/startos/index.ts" --bundle --platform=node --target=node20 --format=cjs \
    --log-level=warning --outfile="$2" --define:process.env.HELLO_WORLD_RELEASE="\"$3\""
}
rebuilt=
for pkg in "${PACKAGES[@]}"; do
  if stale "$pkg/javascript/index.js" "$pkg/startos" "$pkg/package.json" "$pkg/tsconfig.json" \
    node_modules/.ci-done ||
    { [ "$pkg" = hello-world ] && { [ ! -f hello-world/build/v1.0.0/javascript/index.js ] ||
      [ ! -f hello-world/build/v1.2.0-broken/javascript/index.js ]; }; }; then
    log "type-check and bundle $pkg"
    rebuilt=yes
    (cd "$pkg" && "../$BIN/tsc" --noEmit -p .)
    rm -rf "$pkg/javascript"
    bundle "$pkg" "$pkg/javascript/index.js" 1.1.0
    if [ "$pkg" = hello-world ]; then
      # other releases, each as its own pack directory: 1.0.0 (to install it over 1.1.0 and
      # back) and 1.2.0-broken (an update whose init fails)
      for release in 1.0.0 1.2.0-broken; do
        dir=hello-world/build/v$release
        rm -rf "$dir"
        mkdir -p "$dir"
        cp hello-world/icon.svg hello-world/LICENSE.md hello-world/instructions.md "$dir/"
        bundle hello-world "$dir/javascript/index.js" "$release"
      done
    fi
  fi
done

if [ -n "$rebuilt" ]; then
  node check-bundles.mjs
fi

# 3. image root filesystems: /bin/busybox plus one symlink per applet

# hostile's image carries a block device node of the disk holding this host's root filesystem, as a
# hostile S9PK can (mksquashfs keeps device nodes): the host must never let the package open it.
hostile_device_node() {
  local dev
  dev=$(mountpoint -d /) # major:minor of the root filesystem's device
  if [ "$(id -u)" != 0 ]; then
    log "not root: $1/hostdisk (block device $dev) not made; the hostile e2e test will say so"
    return 0
  fi
  mknod "$1/hostdisk" b "${dev%%:*}" "${dev##*:}"
  chmod 0666 "$1/hostdisk"
}
if [ ! -x "$BUSYBOX" ]; then
  echo "test-packages: $BUSYBOX not found; install it with: apt-get install busybox-static" >&2
  exit 1
fi
for pkg in "${PACKAGES[@]}"; do
  rootfs=$pkg/build/image-busybox
  if [ -f "$rootfs/.done" ] && cmp -s "$BUSYBOX" "$rootfs/bin/busybox" &&
    { [ "$pkg" != hostile ] || [ -b "$rootfs/hostdisk" ] || [ "$(id -u)" != 0 ]; }; then
    continue
  fi
  log "image root filesystem $rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,data,dev,proc,sys,run,var,tmp}
  chmod 1777 "$rootfs/tmp"
  cp "$BUSYBOX" "$rootfs/bin/busybox"
  "$BUSYBOX" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$rootfs/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  if [ "$pkg" = hostile ]; then
    hostile_device_node "$rootfs"
  fi
  touch "$rootfs/.done"
done
log "up to date"
