# Builds the in-container runtime (npm ci + bundle to container-runtime/dist/index.js) and start-container
# (make). Sourced by the suite's setup: runs in a subshell, does nothing when everything is up to date.
(
  set -e
  cd "$(dirname "${BASH_SOURCE[0]}")/../container-runtime"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if [ ! -f dist/index.js ] || [ -n "$(find src build.mjs tsconfig.json package-lock.json -newer dist/index.js | head -1)" ]; then
    npm run -s build
  fi
  make -s -C ../start-container
  # the image startd runs every service container from (idmapped: files owned by 100000);
  # cached, rebuilt only when its inputs change
  if [ "$(id -u)" = 0 ]; then
    ROOTFS_UID=100000 ROOTFS_GID=100000 ./build-image.sh build/image/idmapped >/dev/null
  fi
) || { echo "npm-projects.d/container-runtime.sh: build failed" >&2; false; }
