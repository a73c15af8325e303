package startos.container;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The containers' IPv4 network: the bridge holds {@code gateway}, containers get the rest. */
public record Subnet(Inet4Address gateway, int prefixLength) {
  private static final Pattern CIDR =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  public Subnet {
    if (prefixLength < 16 || prefixLength > 29) {
      throw new ContainerException(
          "container subnet prefix must be between /16 and /29, got /" + prefixLength);
    }
    int host = toInt(gateway) & ~mask(prefixLength);
    if (host == 0 || host == ~mask(prefixLength)) {
      throw new ContainerException(
          "bridge address " + gateway.getHostAddress() + " is the network or broadcast address");
    }
  }

  /** Parses {@code a.b.c.d/n}, where a.b.c.d is the bridge's own address. */
  public static Subnet parse(String cidr) {
    Matcher m = CIDR.matcher(cidr.strip());
    if (!m.matches()) {
      throw new ContainerException(
          "'" + cidr + "' is not an IPv4 address with a prefix like 10.0.3.1/24");
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int b = Integer.parseInt(m.group(i + 1));
      if (b > 255) {
        throw new ContainerException("'" + cidr + "' has an octet above 255");
      }
      bytes[i] = (byte) b;
    }
    return new Subnet(address(bytes), Integer.parseInt(m.group(5)));
  }

  /** The address with host number {@code n} (1 is usually the gateway). */
  public Inet4Address host(int n) {
    if (n < 1 || n > lastHost()) {
      throw new ContainerException("host number " + n + " is outside " + this);
    }
    return fromInt(network() | n);
  }

  /** The host number of an address inside this subnet. */
  public int hostNumber(Inet4Address address) {
    if (!contains(address)) {
      throw new ContainerException(address.getHostAddress() + " is not in " + this);
    }
    return toInt(address) & ~mask(prefixLength);
  }

  public boolean contains(Inet4Address address) {
    return (toInt(address) & mask(prefixLength)) == network();
  }

  /** The highest usable host number (the one below broadcast). */
  public int lastHost() {
    return ~mask(prefixLength) - 1;
  }

  public Inet4Address broadcast() {
    return fromInt(network() | ~mask(prefixLength));
  }

  /** The network in CIDR form, e.g. {@code 10.0.3.0/24}. */
  public String networkCidr() {
    return fromInt(network()).getHostAddress() + "/" + prefixLength;
  }

  /** The bridge address in CIDR form, e.g. {@code 10.0.3.1/24}. */
  @Override
  public String toString() {
    return gateway.getHostAddress() + "/" + prefixLength;
  }

  private int network() {
    return toInt(gateway) & mask(prefixLength);
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  static Inet4Address fromInt(int v) {
    return address(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  private static Inet4Address address(byte[] bytes) {
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }
}
