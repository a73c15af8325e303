#!/usr/bin/env bash
# Exercises start-container against a busybox-static rootfs. Run as root on the host.
# Exits non-zero on the first failed check; prints exec latency p50/p99 over 200 runs.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "test.sh: must run as root" >&2; exit 2; }
BUSYBOX=/bin/busybox # busybox-static: the rootfs has no shared libraries
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 \
  || { echo "test.sh: busybox-static is needed (apt-get install busybox-static)" >&2; exit 2; }

make -s -C "$HERE" >/dev/null || { echo "test.sh: build failed" >&2; exit 1; }
SC="$HERE/build/start-container"
T="$(mktemp -d /tmp/start-container-test.XXXXXX)"
R="$T/rootfs"
LEADERS=()
cleanup() {
  for p in "${LEADERS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  for m in $(awk -v t="$T" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1" >&2; }
# expect NAME WANT GOT
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2] got [$3]"; fi; }

mkdir -p "$R"/{bin,etc,proc,tmp,root,home/alice,data,srv}
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\nalice:x:1000:\nstaff:x:50:alice\n' >"$R/etc/group"
printf 'FROM_FILE=yes\nSHADOWED=file\n# comment\nPATH=/bin\n' >"$T/image.env"

wait_proc1() { for _ in $(seq 500); do [ -e "$1/proc/1" ] && return 0; sleep 0.01; done; return 1; }

# --- launch: idle init holding the namespaces ---
"$SC" subcontainer launch "$R" &
LEADER=$!
LEADERS+=("$LEADER")
if wait_proc1 "$R"; then ok "launch without a command makes ROOTFS/proc/1 appear"; else bad "launch: no $R/proc/1"; exit 1; fi

X() { "$SC" subcontainer exec --env-file="$T/image.env" "$@"; }

expect "exec runs inside the rootfs" "alice" "$(X "$R" cat /etc/passwd | awk -F: '$3 == 1000 {print $1}')"
expect "exec joins the launched pid namespace (init is pid 1)" "1" "$(X "$R" sh -c 'ps -o pid,args | awk "\$2 ~ /start-container/ {print \$1}"')"
expect "env file is applied" "yes" "$(X "$R" sh -c 'echo $FROM_FILE')"
expect "--env overrides the env file" "flag" "$(X --env=SHADOWED=flag "$R" sh -c 'echo $SHADOWED')"
expect "-e KEY=VALUE works as well" "v=1" "$(X -e K=v=1 "$R" sh -c 'echo $K')"
expect "caller environment does not leak in" "" "$(LEAK=1 X "$R" sh -c 'echo $LEAK')"
expect "--user by name sets uid, gid and supplementary groups" "1000 1000 1000 50" \
  "$(X --user=alice "$R" sh -c 'echo $(id -u) $(id -g) $(id -G)')"
expect "--user by name sets HOME from the rootfs passwd" "/home/alice" "$(X --user=alice "$R" sh -c 'echo $HOME')"
expect "--user numeric uid:gid" "4242 77" "$(X --user=4242:77 "$R" sh -c 'echo $(id -u) $(id -g)')"
expect "--user alice:staff picks the named group" "50" "$(X --user=alice:staff "$R" id -g)"
expect "--workdir sets the cwd" "/srv" "$(X --workdir=/srv "$R" pwd)"
expect "default cwd is /" "/" "$(X "$R" pwd)"
expect "stdin is passed through" "hello stdin" "$(echo 'hello stdin' | X "$R" cat)"
expect "stderr stays separate" "to-err" "$(X "$R" sh -c 'echo to-out; echo to-err >&2' 2>&1 >/dev/null)"
X "$R" sh -c 'exit 42'
expect "exit code passes through" "42" "$?"
X "$R" /bin/does-not-exist 2>/dev/null
expect "missing command exits 127" "127" "$?"
X --user=nobody-here "$R" true 2>"$T/err"
rc=$?
expect "unknown user is refused with 125" "125" "$rc"
grep -q "user 'nobody-here' does not exist" "$T/err" && ok "unknown user error names the user" || bad "unknown user message: $(cat "$T/err")"
X --workdir=/nope "$R" true 2>"$T/err"
expect "missing workdir is refused" "125" "$?"
"$SC" subcontainer exec --env-file="$T/missing.env" "$R" true 2>"$T/err"
expect "missing env file is refused" "125" "$?"
"$SC" subcontainer exec "$T" true 2>"$T/err"
expect "exec into a rootfs with no leader is refused" "125" "$?"
grep -q "launch it first" "$T/err" && ok "no-leader error says what to do" || bad "no-leader message: $(cat "$T/err")"
"$SC" subcontainer exec "$R" 2>/dev/null
expect "exec without a command is a usage error" "2" "$?"
"$SC" subcontainer exec --bogus "$R" true 2>/dev/null
expect "unknown option is a usage error" "2" "$?"
"$SC" frobnicate 2>/dev/null
expect "unknown subcommand is a usage error" "2" "$?"

# Signals: TERM to the exec'ing process reaches the command and its death by signal is re-raised.
# (backgrounded calls use "$SC" directly so that $! is start-container itself, not a subshell)
"$SC" subcontainer exec "$R" sleep 30 &
P=$!
sleep 0.2
kill -TERM "$P"
wait "$P"
expect "SIGTERM is forwarded and the signal death passes through (128+15)" "143" "$?"
"$SC" subcontainer exec "$R" sh -c 'trap "echo got-usr1; exit 7" USR1; while :; do sleep 0.05; done' >"$T/sig.out" &
P=$!
sleep 0.3
kill -USR1 "$P"
wait "$P"
rc=$?
expect "a trapped signal reaches the command" "got-usr1 7" "$(cat "$T/sig.out") $rc"

# Processes started by exec are visible to other execs (same pid namespace).
"$SC" subcontainer exec "$R" sleep 30 &
P=$!
sleep 0.2
expect "exec'd processes share the pid namespace" "1" "$(X "$R" sh -c 'ps -o args | grep -c "^sleep 30"')"
kill -KILL "$P" 2>/dev/null
{ wait "$P"; } 2>/dev/null
sleep 0.1
expect "SIGKILL of exec also kills the command (no leaks)" "0" "$(X "$R" sh -c 'ps -o args | grep -c "^sleep 30"')"

# --- bind-mount ---
mkdir -p "$T/vol/sub" "$T/assets"
echo data >"$T/vol/sub/x"
echo cfg >"$T/assets/conf"
chown 5:5 "$T/vol/sub/x"
"$SC" bind-mount --source "$T/vol" --target "$R/data" --recursive
expect "bind-mount of a directory is visible in exec" "data" "$(X "$R" cat /data/sub/x)"
"$SC" bind-mount --source "$T/assets/conf" --target "$R/etc/app.conf" --file
expect "bind-mount --file creates the target and binds the file" "cfg" "$(X "$R" cat /etc/app.conf)"
"$SC" bind-mount --source "$T/vol" --target "$R/srv/ro" --readonly
X "$R" sh -c 'echo nope > /srv/ro/y' 2>/dev/null
[ $? -ne 0 ] && [ ! -e "$T/vol/y" ] && ok "bind-mount --readonly refuses writes" || bad "readonly bind accepted a write"
mkdir -p "$R/srv/mapped"
"$SC" bind-mount --source "$T/vol" --target "$R/srv/mapped" --recursive --idmap 0:100000:65536
expect "bind-mount --idmap shifts ownership (uid 5 -> 100005)" "100005" "$(stat -c %u "$R/srv/mapped/sub/x")"
# a package's volume may hold a device node (of the host's disk) or a setuid file: both give nothing
mkdir -p "$T/hostile"
mknod "$T/hostile/disk" c 1 3 # /dev/null's numbers: openable, so only nodev can refuse it
cp "$BUSYBOX" "$T/hostile/suid" && chmod 4755 "$T/hostile/suid"
"$SC" bind-mount --source "$T/hostile" --target "$R/srv/hostile" --recursive
X "$R" sh -c 'echo x > /srv/hostile/disk' 2>/dev/null
[ $? -ne 0 ] && ok "a device node in a bind-mounted volume cannot be opened (nodev)" || bad "device node opened through a bind-mount"
expect "a bind-mount is nodev,nosuid" "yes" \
  "$(awk -v t="$R/srv/hostile" '$5 == t { print ($6 ~ /nodev/ && $6 ~ /nosuid/) ? "yes" : $6 }' /proc/self/mountinfo)"
"$SC" bind-mount --source "$T/vol" --target "$R/srv/m2" --idmap 1:-2:3 2>"$T/err"
expect "bad --idmap is refused" "125" "$?"
grep -q "invalid --idmap '1:-2:3'" "$T/err" && ok "bad idmap error names the value" || bad "idmap message: $(cat "$T/err")"
[ ! -e "$R/srv/m2" ] && ok "a refused bind-mount creates nothing" || bad "refused bind-mount left $R/srv/m2"
"$SC" bind-mount --source "$T/vol" --target "$R/srv/f" --file 2>/dev/null
expect "--file with a directory source is refused" "125" "$?"
"$SC" bind-mount --source "$T/nope" --target "$R/srv/n" 2>/dev/null
expect "missing source is refused" "125" "$?"
"$SC" bind-mount --target "$R/srv/n" 2>/dev/null
expect "missing --source is a usage error" "2" "$?"

# --- latency: 200 execs of /bin/true ---
python3 - "$SC" "$R" "$T/image.env" <<'EOF' || bad "latency run failed"
import subprocess, sys, time
sc, root, envf = sys.argv[1:4]
cmd = [sc, "subcontainer", "exec", f"--env-file={envf}", "--user=root", "--workdir=/", root, "true"]
ts = []
for _ in range(200):
    t = time.perf_counter()
    rc = subprocess.run(cmd).returncode
    ts.append((time.perf_counter() - t) * 1000)
    if rc != 0:
        sys.exit(1)
ts.sort()
print(f"exec latency over 200 runs: p50 {ts[99]:.2f} ms, p99 {ts[197]:.2f} ms, max {ts[-1]:.2f} ms")
EOF

# --- leader lifecycle ---
kill -TERM "$LEADER"
wait "$LEADER"
expect "idle leader exits 0 on SIGTERM" "0" "$?"
sleep 0.05
[ ! -e "$R/proc/1" ] && ok "procfs is unmounted when the leader exits" || bad "$R/proc still mounted"

# launch with a command: it is PID 1, sees env/user/workdir, and its exit code passes through.
out="$("$SC" subcontainer launch --env-file="$T/image.env" --env=A=b --user=alice --workdir=/tmp "$R" \
  sh -c 'echo $$ $(id -u) $(pwd) $A $FROM_FILE; exit 3')"
rc=$?
expect "launch COMMAND runs as PID 1 with user/workdir/env" "1 1000 /tmp b yes" "$out"
expect "launch passes the exit code through" "3" "$rc"

# A command as PID 1 that traps TERM gets it; one that does not would ignore it, so SIGKILL ends it.
"$SC" subcontainer launch "$R" sh -c 'trap "exit 9" TERM; while :; do sleep 0.05; done' &
L2=$!
LEADERS+=("$L2")
wait_proc1 "$R" || bad "second launch did not start"
sleep 0.1
expect "exec works against a leader running a command" "ok" "$(X "$R" echo ok)"
kill -TERM "$L2"
wait "$L2"
expect "SIGTERM reaches a PID-1 command that traps it" "9" "$?"

# Relaunching over a SIGKILLed leader's stale state works.
"$SC" subcontainer launch "$R" &
L3=$!
LEADERS+=("$L3")
wait_proc1 "$R"
kill -KILL "$L3"
{ wait "$L3"; } 2>/dev/null
for _ in $(seq 200); do [ -e "$R/proc/1" ] || break; sleep 0.01; done
"$SC" subcontainer launch "$R" &
L4=$!
LEADERS+=("$L4")
wait_proc1 "$R" && [ "$(X "$R" echo again)" = again ] && ok "relaunch after a SIGKILLed leader works" \
  || bad "relaunch after SIGKILL"
kill -TERM "$L4"
wait "$L4"

"$SC" subcontainer launch / true 2>/dev/null
expect "launch refuses / as the rootfs" "125" "$?"

# --- container-init (always inside its own PID namespace, where it is PID 1) ---
CI="$HERE/build/container-init"
timeout 20 unshare --pid --fork --kill-child "$CI" -- /bin/sh -c \
  'trap "echo runtime-got-TERM; exit 0" TERM; sleep 100 & wait' >"$T/init.out" &
P=$!
sleep 0.3
INIT=$(pgrep -P "$(pgrep -x unshare -P "$P")")
s=$(date +%s%N)
kill -PWR "$INIT"
wait "$P"
rc=$?
ms=$((($(date +%s%N) - s) / 1000000))
expect "container-init turns SIGPWR into TERM for the runtime and exits 0" "runtime-got-TERM 0" "$(cat "$T/init.out") $rc"
[ "$ms" -lt 1000 ] && ok "container-init stops promptly ($ms ms)" || bad "container-init took $ms ms to stop"
timeout 20 unshare --pid --fork --kill-child "$CI" --grace-ms=200 -- /bin/sh -c 'trap "" TERM; while :; do sleep 1; done' &
P=$!
sleep 0.3
INIT=$(pgrep -P "$(pgrep -x unshare -P "$P")")
s=$(date +%s%N)
kill -TERM "$INIT"
wait "$P"
ms=$((($(date +%s%N) - s) / 1000000))
[ "$ms" -lt 1500 ] && ok "container-init kills a runtime that ignores TERM after the grace period ($ms ms)" \
  || bad "container-init grace kill took $ms ms"
timeout 20 unshare --pid --fork --kill-child "$CI" -- /bin/sh -c 'exit 3' 2>/dev/null
expect "container-init passes the runtime's exit code through" "3" "$?"

# --- host-mount (on the host; the package plants symlinks on both sides) ---
HM="$HERE/build/host-mount"
V="$T/hm/volumes"
S="$T/hm/subcontainers"
C="$T/hm/canary"
mkdir -p "$V/main/www" "$S/GUID" "$C"
echo hello >"$V/main/www/index.html"
echo '{}' >"$V/main/config.json"
echo secret >"$C/shadow"
ln -s "$C" "$V/evil"
ln -s "$C" "$S/GUID/link"
mkfifo "$V/main/pipe"
hm_mounts() { awk -v t="$T/hm" 'index($5, t) == 1' /proc/self/mountinfo | wc -l; }
"$HM" --read-only "$V" main/www "$S" GUID/srv/www
expect "host-mount binds a directory and creates the mount point" "hello" "$(cat "$S/GUID/srv/www/index.html")"
echo x 2>/dev/null >"$S/GUID/srv/www/new"
expect "a --read-only mount is read-only" "1" "$?"
expect "the mount is nosuid,nodev" "2" "$(findmnt -no OPTIONS --mountpoint "$S/GUID/srv/www" | tr , '\n' | grep -cx 'nosuid\|nodev')"
"$HM" "$V" main/config.json "$S" GUID/etc/app.json
expect "host-mount binds a file onto a file it creates" "{}" "$(cat "$S/GUID/etc/app.json")"
before=$(hm_mounts)
"$HM" "$V" evil "$S" GUID/data 2>"$T/err"
expect "a volume root that is a symlink is refused" "4" "$?"
grep -q "source evil is a symlink" "$T/err" && ok "the refusal names the symlink" || bad "symlink message: $(cat "$T/err")"
"$HM" "$V" main "$S" GUID/link/deeper 2>"$T/err"
expect "a mount point through a symlink is refused" "4" "$?"
[ ! -e "$C/deeper" ] && ok "nothing is created where the planted symlink points" || bad "host-mount created $C/deeper"
"$HM" "$V" main/pipe "$S" GUID/p 2>/dev/null
expect "a FIFO is not mounted" "4" "$?"
"$HM" "$V" main/nope "$S" GUID/x 2>/dev/null
expect "a missing source exits 3" "3" "$?"
"$HM" "$V" main "$S" NOPE/x 2>/dev/null
expect "the first target component is never created" "3 no" "$? $([ -e "$S/NOPE" ] && echo yes || echo no)"
expect "refused mounts leave the mount table alone" "$before" "$(hm_mounts)"
expect "the canary is intact" "secret" "$(cat "$C/shadow")"

# --kill: every process rooted in a subcontainer's overlay dies, through pinned /proc descriptors
K="$T/hk"
mkdir -p "$K"/{lower/bin,upper,work,subcontainers/GUID,subcontainers/PLAIN,canary}
cp "$BUSYBOX" "$K/lower/bin/busybox"
mkdir -p "$K/lower/dev" && mknod -m 666 "$K/lower/dev/null" c 1 3
ln -s "$K/canary" "$K/subcontainers/LINK"
mount -t overlay overlay -o "lowerdir=$K/lower,upperdir=$K/upper,workdir=$K/work" "$K/subcontainers/GUID"
# a chrooted loop that keeps creating files and a symlink to the host's canary, the idle leader of
# a launched subcontainer with a command (and its child) run in its PID namespace, and a host
# process whose working directory (not root) is in the overlay, which is not the subcontainer's
chroot "$K/subcontainers/GUID" /bin/busybox sh -c \
  'i=0; while :; do i=$((i+1)); echo x >/f$i; /bin/busybox ln -sf '"$K/canary"' /l$i; done' &
LEADERS+=($!)
"$SC" subcontainer launch "$K/subcontainers/GUID" &
LEADERS+=($!)
for _ in $(seq 100); do [ -e "$K/subcontainers/GUID/proc/1" ] && break; sleep 0.05; done
"$SC" subcontainer exec "$K/subcontainers/GUID" /bin/busybox sh -c \
  '/bin/busybox sleep 1000 & /bin/busybox sleep 1000' &
LEADERS+=($!)
(cd "$K/subcontainers/GUID" && exec sleep 1000) &
BYSTANDER=$!
LEADERS+=($BYSTANDER)
hk_rooted() {
  local dev n=0
  dev=$(stat -c %d "$K/subcontainers/GUID")
  for p in /proc/[0-9]*; do
    [ "$(stat -Lc %d "$p/root" 2>/dev/null)" = "$dev" ] && n=$((n + 1))
  done
  echo "$n"
}
for _ in $(seq 100); do [ "$(hk_rooted)" -ge 4 ] && break; sleep 0.05; done
[ "$(hk_rooted)" -ge 4 ] && ok "the subcontainer's processes run ($(hk_rooted))" || bad "only $(hk_rooted) processes rooted in the overlay"
"$HM" --kill "$K/subcontainers" GUID
expect "host-mount --kill ends with no process left" "0 0" "$? $(hk_rooted)"
kill -0 "$BYSTANDER" 2>/dev/null && ok "a process merely working in the overlay is not the subcontainer's" || bad "the bystander was killed"
expect "nothing reached the canary" "" "$(ls -A "$K/canary")"
"$HM" --kill "$K/subcontainers" PLAIN 2>"$T/err"
expect "a plain directory is no subcontainer (its filesystem holds the host's own processes)" "4" "$?"
grep -q "PLAIN is not an overlay mount" "$T/err" && ok "the refusal says why" || bad "plain dir message: $(cat "$T/err")"
"$HM" --kill "$K/subcontainers" LINK 2>/dev/null
expect "a subcontainer that is a symlink is refused" "4" "$?"
kill -0 $$ && kill -0 "$BYSTANDER" 2>/dev/null && ok "refusals killed nothing" || bad "a refused --kill killed something"

echo "start-container: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
