package startos.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The names a browser may use to reach this server: {@code localhost}, the configured listen
 * address, {@code <hostname>.local} and every IP address assigned to one of the machine's
 * interfaces. Thread-safe.
 */
public final class ServerNames {
  private final String listenHost;
  private final Supplier<Optional<String>> hostname;

  /**
   * @param listenHost the configured listen address ({@code 0.0.0.0} or empty: any interface)
   * @param hostname the server's current StartOS hostname (e.g. {@code adjective-noun}), if set
   */
  public ServerNames(String listenHost, Supplier<Optional<String>> hostname) {
    String listen = normalize(listenHost);
    // a wildcard is not a name a browser should use
    this.listenHost = listen.equals("0.0.0.0") || listen.equals("::") ? "" : listen;
    this.hostname = hostname;
  }

  /** Whether {@code host} (a name or an IP literal, IPv6 with or without brackets) is ours. */
  public boolean isOurs(String host) {
    String name = normalize(host);
    if (name.isEmpty()) {
      return false;
    }
    if (name.equals("localhost") || (!listenHost.isEmpty() && name.equals(listenHost))) {
      return true;
    }
    Optional<String> mdns = hostname.get().filter(h -> !h.isBlank());
    if (mdns.isPresent() && name.equals(normalize(mdns.get()) + ".local")) {
      return true;
    }
    return isIpLiteral(name) && isLocalAddress(name);
  }

  private static boolean isLocalAddress(String literal) {
    try {
      // a literal is parsed, never looked up: no DNS here
      InetAddress address = InetAddress.getByName(literal);
      return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }

  private static boolean isIpLiteral(String name) {
    return name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || name.matches("[0-9a-f:.]*:[0-9a-f:.]*");
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }
}
