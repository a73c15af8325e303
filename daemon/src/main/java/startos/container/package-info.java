/**
 * One LXC container per service, driven through LXC's command-line tools.
 *
 * <p>{@link startos.container.ContainerBackend} is the seam the service lifecycle uses; {@link
 * startos.container.LxcBackend} implements it with our own configs under a state directory, our own
 * bridge and {@code table ip} in nftables, and our own cgroup names, so nothing depends on {@code
 * /etc/lxc/default.conf}, {@code lxcbr0} or systemd (none of which exist on the target machines).
 *
 * <p>What the host needs: root, LXC 5 with cgroup v1 controllers (memory, pids, cpu), squashfs,
 * overlayfs, veth and bridge support, nftables with {@code fib}, and {@code root:100000:65536} in
 * {@code /etc/subuid} and {@code /etc/subgid}. Containers are unprivileged: uid/gid 0-65535 inside
 * are 100000-165535 on the host by default, so root images must be built with {@code mksquashfs
 * -force-uid 100000 -force-gid 100000}. A container given its own range ({@link
 * startos.container.ContainerSpec#idmapBase}, one per package from {@link
 * startos.container.IdRanges}) sees that image through an idmapped mount made by {@code
 * start-container bind-mount --idmap} (mount_setattr works on squashfs on these kernels; util-linux
 * 2.38's {@code X-mount.idmap} does not), under its overlay. The state directory and the parents of
 * every bind source must be traversable (o+x) by the containers' roots.
 *
 * <p>Everything built from package data is mounted {@code nodev,nosuid}, and the device cgroup
 * allows only the usual character devices ({@link startos.container.LxcConfigFile}).
 *
 * <p>Threads: {@code LxcBackend} may be called from any thread and blocks on LXC's tools; calls for
 * one container are serialised by that container's lock, {@link
 * startos.container.LxcBackend#cleanupAll} excludes them all, and the shared tables ({@code
 * AddressBook}, {@code IdRanges}, {@code HostNetwork}) are synchronized.
 */
package startos.container;
