package startos.container;

import java.net.Inet4Address;
import java.util.Objects;

/** Traffic to {@code hostPort} on any of the host's own addresses goes to a container's port. */
public record PortForward(
    Protocol protocol, int hostPort, Inet4Address containerIp, int containerPort) {
  public PortForward {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(containerIp, "containerIp");
    requirePort("host", hostPort);
    requirePort("container", containerPort);
  }

  public static PortForward tcp(int hostPort, Inet4Address containerIp, int containerPort) {
    return new PortForward(Protocol.TCP, hostPort, containerIp, containerPort);
  }

  @Override
  public String toString() {
    return hostPort
        + "/"
        + protocol.nftName()
        + " -> "
        + containerIp.getHostAddress()
        + ":"
        + containerPort;
  }

  private static void requirePort(String which, int port) {
    if (port < 1 || port > 65535) {
      throw new ContainerException(which + " port must be 1-65535, got " + port);
    }
  }
}
