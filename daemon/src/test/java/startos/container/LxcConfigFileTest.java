package startos.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LxcConfigFileTest {
  private final LxcSettings settings = LxcSettings.defaults(Path.of("/var/lib/startos/lxc"));
  private final Subnet subnet = settings.subnet();

  private String render(ContainerSpec spec, List<LxcConfigFile.MountEntry> mounts) {
    return LxcConfigFile.render(
        spec,
        settings,
        true,
        Path.of("/var/lib/startos/lxc/containers/svc/rootfs"),
        new LxcConfigFile.Network("startbr0", subnet, subnet.host(5), "vst0ad10005"),
        mounts,
        Path.of("/var/lib/startos/lxc/containers/svc/lxc.log"));
  }

  @Test
  void unprivilegedUnconfinedContainerWithAFixedAddressAndMac() {
    String config =
        render(ContainerSpec.of("svc", Path.of("/i.sqfs"), "/init.sh", "--x"), List.of());

    assertThat(config.lines())
        .contains(
            "lxc.include = /usr/share/lxc/config/common.conf",
            "lxc.include = /usr/share/lxc/config/userns.conf",
            "lxc.idmap = u 0 100000 65536",
            "lxc.idmap = g 0 100000 65536",
            "lxc.apparmor.profile = unconfined",
            "lxc.signal.halt = SIGTERM",
            "lxc.net.0.veth.pair = vst0ad10005",
            "lxc.net.0.hwaddr = 02:53:0a:d1:00:05",
            "lxc.net.0.ipv4.address = 10.209.0.5/24 10.209.0.255",
            "lxc.net.0.ipv4.gateway = 10.209.0.1",
            "lxc.cgroup.dir.monitor = startos.monitor.svc",
            "lxc.cgroup.dir.container = startos.payload.svc",
            "lxc.init.cmd = /init.sh --x")
        .noneMatch(l -> l.startsWith("lxc.cgroup.memory"));
  }

  @Test
  void afterTheIncludesOnlyTheUsualCharacterDevicesOpenAndNothingMayBeCreated() {
    List<String> lines =
        render(ContainerSpec.of("svc", Path.of("/i.sqfs"), "/init.sh"), List.of()).lines().toList();

    // userns.conf clears common.conf's rules: ours must come after it to count
    int userns = lines.indexOf("lxc.include = /usr/share/lxc/config/userns.conf");
    int deny = lines.indexOf("lxc.cgroup.devices.deny = a");
    assertThat(deny).isGreaterThan(userns);
    List<String> allowed =
        lines.stream().filter(l -> l.startsWith("lxc.cgroup.devices.allow")).toList();
    assertThat(allowed)
        .contains("lxc.cgroup.devices.allow = c 1:3 rw", "lxc.cgroup.devices.allow = c 136:* rw")
        .noneMatch(l -> l.contains(" b ") || l.endsWith("m") || l.contains("*:*"));
  }

  @Test
  void limitsBecomeCgroupV1Keys() {
    String config =
        render(
            ContainerSpec.of("svc", Path.of("/i.sqfs"), "/init.sh")
                .withLimits(new Limits(256L << 20, 200, 512, 1500)),
            List.of());

    assertThat(config.lines())
        .contains(
            "lxc.cgroup.memory.limit_in_bytes = 268435456",
            "lxc.cgroup.pids.max = 200",
            "lxc.cgroup.cpu.shares = 512",
            "lxc.cgroup.cpu.cfs_period_us = 100000",
            "lxc.cgroup.cpu.cfs_quota_us = 150000");
  }

  @Test
  void mountsAndEnvironmentBecomeEntries() {
    String config =
        render(
            ContainerSpec.of("svc", Path.of("/i.sqfs"), "/init.sh").withEnv("LANG", "C.UTF-8"),
            List.of(
                new LxcConfigFile.MountEntry(
                    Path.of("/data/main"), "media/startos/volumes/main", false, true),
                new LxcConfigFile.MountEntry(
                    Path.of("/x/images/0"), "usr/lib/startos/package", true, true),
                new LxcConfigFile.MountEntry(
                    Path.of("/etc/resolv.conf"), "etc/resolv.conf", true, false)));

    assertThat(config.lines())
        .contains(
            "lxc.environment = LANG=C.UTF-8",
            "lxc.mount.entry = /data/main media/startos/volumes/main none bind,rw,nodev,nosuid,create=dir 0 0",
            "lxc.mount.entry = /x/images/0 usr/lib/startos/package none bind,ro,nodev,nosuid,create=dir 0 0",
            "lxc.mount.entry = /etc/resolv.conf etc/resolv.conf none bind,ro,nodev,nosuid,create=file 0 0");
  }
}
