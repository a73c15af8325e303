package startos.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The host's own non-loopback address, where tests reach a package's forwarded port: forwards never
 * apply to 127.0.0.0/8, which stays the host's own.
 */
public final class HostAddresses {
  private HostAddresses() {}

  /** The source address of the default route, else the first up non-loopback IPv4 address. */
  public static InetAddress nonLoopback() {
    // connecting a UDP socket only picks a route; it sends nothing
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(new InetSocketAddress(InetAddress.getByName("192.0.2.123"), 9));
      InetAddress local = probe.getLocalAddress();
      if (local instanceof Inet4Address
          && !local.isAnyLocalAddress()
          && !local.isLoopbackAddress()) {
        return local;
      }
    } catch (IOException e) {
      // no default route: fall back to the interfaces
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (a instanceof Inet4Address) {
              return a;
            }
          }
        }
      }
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("this host has no non-loopback IPv4 address to forward on");
  }
}
