package startos.container;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs one isolated container per service: the seam between the service lifecycle and LXC.
 *
 * <p>All methods block until the work is done and are safe to call from several threads; operations
 * on the same id are serialized, operations on different ids may run concurrently. Every failure is
 * a {@link ContainerException} whose message names the container and the cause.
 */
public interface ContainerBackend {

  /**
   * Mounts the spec's root and images, then starts its init in the background. Returns once the
   * container is running. Fails if a container with that id is already running; a stopped one is
   * replaced (its root starts from a fresh overlay). On failure nothing it mounted stays mounted.
   */
  void start(ContainerSpec spec);

  /**
   * Sends SIGTERM to the container's init, kills everything still alive after {@code timeout}
   * (rounded up to whole seconds), then unmounts its root. The address and forwards are kept so a
   * restart answers at once. Stopping a container that is not running does nothing.
   */
  void stop(String id, Duration timeout);

  /**
   * Kills the container if needed and removes every trace of it: processes, mounts, loop devices,
   * veth, cgroups, its forwards and its state directory. The address stays reserved for the id.
   * Destroying an unknown id does nothing.
   */
  void destroy(String id);

  /** Lets the id's address go to another id; use when a service is uninstalled. */
  void releaseAddress(String id);

  /** What the container is doing; {@link ContainerState#ABSENT} if it was never created. */
  ContainerState state(String id);

  /** The container's fixed address on the bridge, once one was given to the id. */
  Optional<Inet4Address> ip(String id);

  /** The ids of all containers that exist (running or stopped). */
  List<String> containers();

  /** Runs a command inside a running container and waits for it. */
  ExecResult exec(String id, ExecRequest request);

  default ExecResult exec(String id, String... command) {
    return exec(id, ExecRequest.of(command));
  }

  /** Current memory, processes, CPU, network and block I/O of a running container. */
  ResourceUsage usage(String id);

  /**
   * Changes the cgroup limits of a running container at once (0 lifts a limit). Fails, leaving the
   * old limits, when the kernel refuses one (a memory limit below what the container uses now).
   */
  void applyLimits(String id, Limits limits);

  /** The limits in force in a running container's cgroups, read back from the kernel. */
  Limits limitsInForce(String id);

  /**
   * Forwards a host port on the host's own non-loopback addresses to a container port (never
   * 127.0.0.0/8: loopback stays the host's). Forwarding the same host port and protocol twice to
   * different targets fails, and so does forwarding a port a host service listens on.
   */
  void forward(PortForward forward);

  default PortForward forward(int hostPort, Inet4Address containerIp, int containerPort) {
    PortForward f = PortForward.tcp(hostPort, containerIp, containerPort);
    forward(f);
    return f;
  }

  /** Removes a forward; removing one that does not exist does nothing. */
  void unforward(PortForward forward);

  /** The forwards in force. */
  List<PortForward> forwards();

  /**
   * Removes everything a previous run may have left behind after a crash: containers, mounts, loop
   * devices, veths, cgroups, the NAT table and the bridge. Call once at daemon start, before any
   * {@link #start}. Address reservations survive.
   */
  void cleanupAll();
}
