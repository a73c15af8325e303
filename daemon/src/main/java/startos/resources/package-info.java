/**
 * What a service's container uses and may use: {@code package.stats} (CPU, memory, processes,
 * network, block I/O, read on the host from the container's cgroups and host-side veth) and {@code
 * package.set-limits} (per-service memory, process, CPU weight and CPU quota limits, kept in {@code
 * /private/serviceLimits}, applied to the running container's cgroups at once and to every later
 * start by {@code startos.service}).
 *
 * <p>Threads: RPC threads call {@link startos.resources.PackageResources}; set-limits is serialized
 * by a monitor so two admins cannot interleave apply and store.
 *
 * <p>Not done yet: an uninstall keeps the service's limits for a reinstall; limits of block I/O and
 * network bandwidth.
 */
package startos.resources;
