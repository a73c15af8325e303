package startos.container;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerBackend} on LXC's command-line tools, with our own configs, bridge, NAT table and
 * cgroup names, so it never depends on {@code /etc/lxc/default.conf} or {@code lxcbr0}.
 *
 * <p>Per container it loop-mounts the rootfs squashfs, puts an overlay with its own upper and work
 * directories on top (a fresh writable root on every start), loop-mounts squashfs mounts, and hands
 * the rest to LXC as bind mount entries. Requires root on the host.
 */
public final class LxcBackend implements ContainerBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LxcBackend.class);
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final LxcSettings settings;
  private final ProcessRunner runner;
  private final ContainerRootfs mounts;
  private final AddressBook addresses;
  private final CgroupTree cgroups;
  private final HostNetwork network;
  private final Map<String, ContainerSpec> running = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  // cleanupAll takes the write side so it never races a start
  private final ReentrantReadWriteLock global = new ReentrantReadWriteLock();

  /** A backend on the real host: {@code /proc/self/mountinfo} and real processes. */
  public LxcBackend(LxcSettings settings) {
    this(
        settings,
        new SystemProcessRunner(),
        Path.of("/proc/self/mountinfo"),
        HostListeners.system());
  }

  LxcBackend(LxcSettings settings, ProcessRunner runner, Path mountInfo, HostListeners listeners) {
    this.settings = settings;
    this.runner = runner;
    this.mounts = new ContainerRootfs(settings, runner, new MountTable(mountInfo));
    this.addresses = new AddressBook(settings.addressFile(), settings.subnet());
    this.cgroups = new CgroupTree(settings.cgroupRoot(), settings.cgroupPrefix());
    this.network = new HostNetwork(runner, settings, listeners);
  }

  public LxcSettings settings() {
    return settings;
  }

  @Override
  public void start(ContainerSpec spec) {
    String id = spec.id();
    withLock(
        id,
        () -> {
          if (hasProcesses(id)) {
            throw new ContainerException(
                "container "
                    + id
                    + " is already "
                    + state(id).name().toLowerCase(java.util.Locale.ROOT));
          }
          mounts.requireSources(spec);
          network.ensureUp();
          ContainerLayout layout = layout(id);
          // leftovers of a failed start or a crash would break the new mounts
          mounts.unmountAll(layout.dir());
          removeCgroups(id);
          Inet4Address ip = addresses.allocate(id);
          try {
            List<LxcConfigFile.MountEntry> entries = mounts.prepareRoot(spec, layout);
            boolean shared =
                Files.isRegularFile(settings.lxcConfigDir().resolve("common.conf"))
                    && Files.isRegularFile(settings.lxcConfigDir().resolve("userns.conf"));
            String config =
                LxcConfigFile.render(
                    spec,
                    settings,
                    shared,
                    layout.rootfs(),
                    new LxcConfigFile.Network(
                        settings.bridge(), settings.subnet(), ip, HostNetwork.vethName(ip)),
                    entries,
                    layout.log());
            ContainerRootfs.write(layout.config(), config);
            Files.deleteIfExists(layout.log());
            ProcessResult r = runner.run(lxc("lxc-start", id, "-d"));
            if (!r.succeeded()) {
              String cause = logTail(layout);
              throw new ContainerException(
                  "lxc-start of container "
                      + id
                      + " failed (exit "
                      + r.exitCode()
                      + ")"
                      + (cause.isEmpty()
                          ? ": " + r.stderr().strip().lines().findFirst().orElse("")
                          : cause));
            }
            if (!hasProcesses(id)) {
              throw new ContainerException(
                  "container "
                      + id
                      + " stopped right after it started; is its init "
                      + spec.init().get(0)
                      + " missing or failing?"
                      + logTail(layout));
            }
            running.put(id, spec);
          } catch (IOException e) {
            teardownQuietly(id, layout);
            throw new ContainerException(
                "cannot prepare container " + id + ": " + e.getMessage(), e);
          } catch (RuntimeException e) {
            teardownQuietly(id, layout);
            throw e;
          }
        });
  }

  @Override
  public void stop(String id, Duration timeout) {
    ContainerSpec.requireValidId(id);
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    withLock(
        id,
        () -> {
          ContainerLayout layout = layout(id);
          if (!Files.exists(layout.config())) {
            return;
          }
          if (hasProcesses(id)) {
            ProcessResult r =
                runner.run(
                    lxc("lxc-stop", id, "-t", Long.toString(seconds)),
                    "",
                    Duration.ofSeconds(seconds + 30));
            if (!r.succeeded() && state(id) != ContainerState.STOPPED) {
              LOG.warn("lxc-stop of {} failed ({}), killing it", id, r.stderr().strip());
              runner.run(lxc("lxc-stop", id, "-k")).orThrow("cannot kill container " + id);
            }
          }
          running.remove(id);
          mounts.unmountAll(layout.dir());
          removeCgroups(id);
        });
  }

  @Override
  public void destroy(String id) {
    ContainerSpec.requireValidId(id);
    withLock(
        id,
        () -> {
          ContainerLayout layout = layout(id);
          if (Files.exists(layout.dir())) {
            if (hasProcesses(id)) {
              runner.run(lxc("lxc-stop", id, "-k")).orThrow("cannot kill container " + id);
            }
            removeCgroups(id);
            mounts.unmountAll(layout.dir());
            addresses.lookup(id).ifPresent(network::deleteVeth);
            mounts.deleteTree(layout.dir());
          }
          running.remove(id);
          addresses.lookup(id).ifPresent(network::unforwardAllTo);
        });
  }

  @Override
  public void releaseAddress(String id) {
    ContainerSpec.requireValidId(id);
    withLock(
        id,
        () -> {
          if (Files.exists(layout(id).config())) {
            throw new ContainerException(
                "container " + id + " still exists; destroy it before releasing its address");
          }
          addresses.release(id);
        });
  }

  @Override
  public ContainerState state(String id) {
    ContainerSpec.requireValidId(id);
    if (!Files.exists(layout(id).config())) {
      return ContainerState.ABSENT;
    }
    ProcessResult r = runner.run(lxc("lxc-info", id, "-s", "-H"));
    if (!r.succeeded()) {
      r.orThrow("cannot read the state of container " + id);
    }
    return ContainerState.fromLxc(r.stdout());
  }

  @Override
  public Optional<Inet4Address> ip(String id) {
    ContainerSpec.requireValidId(id);
    return addresses.lookup(id);
  }

  @Override
  public List<String> containers() {
    List<String> ids = new ArrayList<>();
    Path dir = settings.containersDir();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (Files.isRegularFile(child.resolve("config"))) {
          ids.add(child.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new ContainerException("cannot list containers in " + dir, e);
    }
    ids.sort(null);
    return ids;
  }

  @Override
  public ExecResult exec(String id, ExecRequest request) {
    ContainerSpec.requireValidId(id);
    if (!hasProcesses(id)) {
      throw new ContainerException(
          "cannot exec in container "
              + id
              + ": it is "
              + state(id).name().toLowerCase(java.util.Locale.ROOT));
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    ContainerSpec spec = running.get(id);
    if (spec != null) {
      env.putAll(spec.env());
    }
    env.putAll(request.env());
    List<String> command = new ArrayList<>(lxc("lxc-attach", id, "--clear-env"));
    env.forEach((k, v) -> command.addAll(List.of("-v", k + "=" + v)));
    command.add("--");
    command.addAll(request.command());
    ProcessResult r = runner.run(command, request.stdin(), request.timeout());
    return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
  }

  @Override
  public ResourceUsage usage(String id) {
    ContainerSpec.requireValidId(id);
    Path memory =
        cgroups
            .payload("memory", id)
            .orElseThrow(() -> new ContainerException("container " + id + " is not running"));
    long used = CgroupTree.readLong(memory.resolve("memory.usage_in_bytes"));
    long limit = CgroupTree.readLong(memory.resolve("memory.limit_in_bytes"));
    long procs =
        cgroups
            .payload("pids", id)
            .map(p -> CgroupTree.readLong(p.resolve("pids.current")))
            .orElse(0L);
    long cpu =
        cgroups
            .payload("cpuacct", id)
            .map(p -> CgroupTree.readLong(p.resolve("cpuacct.usage")))
            .orElse(0L);
    long monitorRss =
        cgroups
            .monitor("memory", id)
            .map(CgroupTree::pids)
            .map(pids -> pids.stream().mapToLong(LxcBackend::rssBytes).sum())
            .orElse(0L);
    // the host side of the veth: what it received the container sent, and the other way round
    Optional<Path> veth =
        ip(id).map(a -> Path.of("/sys/class/net", HostNetwork.vethName(a), "statistics"));
    long rx = veth.map(v -> readCounter(v.resolve("tx_bytes"))).orElse(0L);
    long tx = veth.map(v -> readCounter(v.resolve("rx_bytes"))).orElse(0L);
    long[] io =
        cgroups
            .payload("blkio", id)
            .map(b -> blockBytes(b.resolve("blkio.throttle.io_service_bytes_recursive")))
            .orElse(new long[2]);
    // the kernel reports "unlimited" as a huge page-rounded number
    return new ResourceUsage(
        used,
        limit >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : limit,
        procs,
        cpu,
        monitorRss,
        rx,
        tx,
        io[0],
        io[1]);
  }

  @Override
  public void applyLimits(String id, Limits limits) {
    ContainerSpec.requireValidId(id);
    withLock(id, () -> new CgroupLimits(cgroups).apply(id, limits));
  }

  @Override
  public Limits limitsInForce(String id) {
    ContainerSpec.requireValidId(id);
    return new CgroupLimits(cgroups).read(id);
  }

  /** A counter file of sysfs; 0 when the interface is gone (the container just stopped). */
  private static long readCounter(Path file) {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Read and write bytes summed over the devices of a {@code blkio} accounting file. */
  private static long[] blockBytes(Path file) {
    long[] sums = new long[2];
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 3 && (f[1].equals("Read") || f[1].equals("Write"))) {
          sums[f[1].equals("Read") ? 0 : 1] += Long.parseLong(f[2]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debug("cannot read {}: {}", file, e.getMessage());
    }
    return sums;
  }

  @Override
  public void forward(PortForward forward) {
    network.forward(forward);
  }

  @Override
  public void unforward(PortForward forward) {
    network.unforward(forward);
  }

  @Override
  public List<PortForward> forwards() {
    return network.forwards();
  }

  @Override
  public void cleanupAll() {
    global.writeLock().lock();
    try {
      for (String id : containers()) {
        try {
          if (hasProcesses(id)) {
            runner.run(lxc("lxc-stop", id, "-k"));
          }
        } catch (ContainerException e) {
          LOG.warn("while cleaning up container {}: {}", id, e.getMessage());
        }
      }
      for (Path dir : cgroups.dirs("")) {
        killAndRemoveCgroup(dir);
      }
      mounts.unmountAll(settings.containersDir());
      network.tearDown();
      for (String id : containers()) {
        mounts.deleteTree(layout(id).dir());
      }
      mounts.deleteTree(settings.containersDir());
      running.clear();
    } finally {
      global.writeLock().unlock();
    }
  }

  // ---- internals ----

  ContainerLayout layout(String id) {
    return new ContainerLayout(settings.containersDir().resolve(id));
  }

  private List<String> lxc(String tool, String id, String... args) {
    List<String> command = new ArrayList<>(List.of(tool, "-n", id, "-P"));
    command.add(settings.containersDir().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Whether anything runs in the container's cgroup: cheaper than asking lxc-info. */
  private boolean hasProcesses(String id) {
    return Files.exists(layout(id).config())
        && cgroups.payload("memory", id).map(p -> !CgroupTree.pids(p).isEmpty()).orElse(false);
  }

  private void removeCgroups(String id) {
    for (Path dir : cgroups.dirs(id)) {
      killAndRemoveCgroup(dir);
    }
  }

  /**
   * Removes a cgroup of ours once it is empty. Processes get 200 ms to leave on their own (LXC's
   * monitor is usually still exiting), then whatever is left is killed.
   */
  private void killAndRemoveCgroup(Path dir) {
    for (int attempt = 0; attempt < 60; attempt++) {
      if (!Files.isDirectory(dir)) {
        return; // LXC removed it itself
      }
      var pids = CgroupTree.pids(dir);
      if (pids.isEmpty()) {
        CgroupTree.remove(dir);
        return;
      }
      if (attempt >= 10) {
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
        pids.forEach(p -> kill.add(Long.toString(p)));
        runner.run(kill, "", ProcessRunner.DEFAULT_TIMEOUT);
      }
      sleep(Duration.ofMillis(20));
    }
    throw new ContainerException("processes in cgroup " + dir + " did not die within 1 s");
  }

  /** Undoes a failed start step by step; each step runs even if an earlier one failed. */
  private void teardownQuietly(String id, ContainerLayout layout) {
    List<Runnable> steps =
        List.of(
            () -> {
              if (hasProcesses(id)) {
                runner.run(lxc("lxc-stop", id, "-k"));
              }
            },
            () -> removeCgroups(id),
            () -> mounts.unmountAll(layout.dir()));
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        LOG.warn("cleanup after the failed start of {} failed too: {}", id, e.getMessage());
      }
    }
    running.remove(id);
  }

  /** The first error LXC logged (usually the cause), without its source-location noise. */
  private String logTail(ContainerLayout layout) {
    try {
      if (!Files.exists(layout.log())) {
        return "";
      }
      for (String line : Files.readAllLines(layout.log(), StandardCharsets.UTF_8)) {
        if (line.contains(" ERROR ")) {
          String[] parts = line.split(" - ", 3);
          return "; lxc log: " + (parts.length == 3 ? parts[2] : line).strip();
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Resident memory of a process from {@code /proc/<pid>/status}, 0 if it is gone. */
  private static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended meanwhile
    }
    return 0;
  }

  private void withLock(String id, Runnable action) {
    global.readLock().lock();
    try {
      Lock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
      lock.lock();
      try {
        action.run();
      } finally {
        lock.unlock();
      }
    } finally {
      global.readLock().unlock();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerException("interrupted while waiting for processes to die", e);
    }
  }
}
