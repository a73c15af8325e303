package startos.effects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.OptionalInt;
import java.util.Set;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * StartOS's external port allocation over {@code /private/availablePorts} ({@code {port: ssl}}):
 * the preferred port when it is free and not restricted, else a random one from 49152.
 */
public final class PortAllocator {
  public static final String POINTER = "/private/availablePorts";
  static final int EPHEMERAL_START = 49152;
  private static final Set<Integer> RESTRICTED = Set.of(5353, 5355, 5432, 6010, 9050, 9051);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectNode taken;

  /** Works on the {@code availablePorts} object of a root being mutated. */
  public PortAllocator(ObjectNode root) {
    this.taken = PackageData.object(PackageData.object(root, "private"), "availablePorts");
  }

  public static boolean restricted(int port) {
    return port <= 1024 || RESTRICTED.contains(port);
  }

  /** The preferred port if allowed and free. */
  public OptionalInt tryAlloc(int port, boolean ssl) {
    if (port < 1 || port > 65535 || restricted(port) || taken.has(Integer.toString(port))) {
      return OptionalInt.empty();
    }
    taken.put(Integer.toString(port), ssl);
    return OptionalInt.of(port);
  }

  /** A free port from the ephemeral range. */
  public int alloc(boolean ssl) {
    for (int i = 0; i < 1000; i++) {
      int port = EPHEMERAL_START + RANDOM.nextInt(65535 - EPHEMERAL_START);
      if (!taken.has(Integer.toString(port))) {
        taken.put(Integer.toString(port), ssl);
        return port;
      }
    }
    throw new RpcException(ErrorKind.NETWORK, "no dynamic ports are available");
  }

  public int preferredOrAny(int preferred, boolean ssl) {
    OptionalInt p = tryAlloc(preferred, ssl);
    return p.isPresent() ? p.getAsInt() : alloc(ssl);
  }

  public void release(int port) {
    taken.remove(Integer.toString(port));
  }
}
