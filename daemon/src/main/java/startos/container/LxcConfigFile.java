package startos.container;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes the text of one container's LXC config. Pure: no filesystem or process access. */
final class LxcConfigFile {
  /**
   * major:minor of the character devices a container may open: null, zero, full, random, urandom,
   * tty, console, ptmx, the pts and fuse (as LXC's common.conf, without its blanket mknod).
   */
  static final List<String> ALLOWED_DEVICES =
      List.of("1:3", "1:5", "1:7", "1:8", "1:9", "5:0", "5:1", "5:2", "136:*", "10:229");

  private LxcConfigFile() {}

  /** A mount entry after the backend prepared its source on the host. */
  record MountEntry(Path hostSource, String relativeTarget, boolean readOnly, boolean directory) {}

  /** The container's place on the bridge. */
  record Network(String bridge, Subnet subnet, Inet4Address address, String vethName) {}

  static String render(
      ContainerSpec spec,
      LxcSettings settings,
      boolean includeShared,
      Path rootfs,
      Network net,
      List<MountEntry> mounts,
      Path logFile) {
    StringBuilder c = new StringBuilder();
    line(c, "# written by startd for container " + spec.id() + "; rewritten on every start");
    if (includeShared) {
      // seccomp, dropped capabilities and device rules, then their unprivileged variant
      set(c, "lxc.include", settings.lxcConfigDir().resolve("common.conf"));
      set(c, "lxc.include", settings.lxcConfigDir().resolve("userns.conf"));
    }
    // after the includes: userns.conf clears common.conf's device rules (an unprivileged LXC
    // cannot write them; startd is root and can). Only these character devices open at all, and
    // mknod is denied outright, so a device node that slips into the container reaches nothing.
    set(c, "lxc.cgroup.devices.deny", "a");
    for (String allowed : ALLOWED_DEVICES) {
      set(c, "lxc.cgroup.devices.allow", "c " + allowed + " rw");
    }
    set(c, "lxc.arch", "linux64");
    set(c, "lxc.uts.name", spec.id());
    set(c, "lxc.rootfs.path", "dir:" + rootfs);
    String map = "0 " + spec.idmapBase().orElse(settings.idmapBase()) + " " + settings.idmapSize();
    set(c, "lxc.idmap", "u " + map);
    set(c, "lxc.idmap", "g " + map);
    // the kernels here have no AppArmor; "generated" from LXC's defaults would fail the start
    set(c, "lxc.apparmor.profile", "unconfined");
    set(c, "lxc.mount.auto", "");
    set(c, "lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed");
    set(c, "lxc.autodev", "1");
    set(c, "lxc.tty.max", "0");
    set(c, "lxc.pty.max", "16");
    // LXC's default SIGPWR is ignored by most inits; SIGTERM is what services expect
    set(c, "lxc.signal.halt", "SIGTERM");

    set(c, "lxc.net.0.type", "veth");
    set(c, "lxc.net.0.link", net.bridge());
    set(c, "lxc.net.0.flags", "up");
    set(c, "lxc.net.0.name", "eth0");
    set(c, "lxc.net.0.veth.pair", net.vethName());
    set(c, "lxc.net.0.hwaddr", AddressBook.macFor(net.address()));
    // without the explicit broadcast LXC sets brd 0.0.0.255
    set(
        c,
        "lxc.net.0.ipv4.address",
        net.address().getHostAddress()
            + "/"
            + net.subnet().prefixLength()
            + " "
            + net.subnet().broadcast().getHostAddress());
    set(c, "lxc.net.0.ipv4.gateway", net.subnet().gateway().getHostAddress());

    CgroupTree cgroups = new CgroupTree(settings.cgroupRoot(), settings.cgroupPrefix());
    set(c, "lxc.cgroup.dir.monitor", cgroups.monitorName(spec.id()));
    set(c, "lxc.cgroup.dir.container", cgroups.payloadName(spec.id()));
    Limits limits = spec.limits();
    if (limits.memoryBytes() > 0) {
      set(c, "lxc.cgroup.memory.limit_in_bytes", Long.toString(limits.memoryBytes()));
    }
    if (limits.maxPids() > 0) {
      set(c, "lxc.cgroup.pids.max", Integer.toString(limits.maxPids()));
    }
    if (limits.cpuShares() > 0) {
      set(c, "lxc.cgroup.cpu.shares", Integer.toString(limits.cpuShares()));
    }
    if (limits.cpuMillis() > 0) {
      set(c, "lxc.cgroup.cpu.cfs_period_us", Integer.toString(Limits.CPU_PERIOD_MICROS));
      set(
          c,
          "lxc.cgroup.cpu.cfs_quota_us",
          Long.toString((long) limits.cpuMillis() * Limits.CPU_PERIOD_MICROS / 1000));
    }

    for (Map.Entry<String, String> e : new TreeMap<>(spec.env()).entrySet()) {
      set(c, "lxc.environment", e.getKey() + "=" + e.getValue());
    }
    for (MountEntry m : mounts) {
      set(
          c,
          "lxc.mount.entry",
          m.hostSource()
              + " "
              + m.relativeTarget()
              + " none "
              + (m.readOnly() ? "bind,ro" : "bind,rw")
              // package data: a device node or setuid file in it must give nothing
              + ",nodev,nosuid"
              + (m.directory() ? ",create=dir" : ",create=file")
              + " 0 0");
    }
    set(c, "lxc.init.cmd", String.join(" ", spec.init()));
    set(c, "lxc.log.file", logFile);
    set(c, "lxc.log.level", "WARN");
    return c.toString();
  }

  private static void set(StringBuilder c, String key, Object value) {
    String text = value.toString();
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new ContainerException("LXC config value for " + key + " contains a line break");
    }
    line(c, text.isEmpty() ? key + " =" : key + " = " + text);
  }

  private static void line(StringBuilder c, String text) {
    c.append(text).append('\n');
  }
}
