package startos.effects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import startos.model.DbTx;
import startos.model.Slots;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * StartOS's external port allocation over {@link Slots#AVAILABLE_PORTS} ({@code {port: ssl}}): the
 * preferred port when it is free and not restricted, else a random one from StartOS's dynamic range
 * 49152-65534. Besides StartOS's restricted ports, every port a host socket holds at allocation
 * time ({@link startos.container.HostListeners}: startd's own, sshd, anything on 127.0.0.1) is
 * reserved: a package asking for one gets a dynamic port instead, as for any taken port, and never
 * the host service's.
 */
public final class PortAllocator {
  static final int EPHEMERAL_START = 49152;
  private static final Set<Integer> RESTRICTED = Set.of(5353, 5355, 5432, 6010, 9050, 9051);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The ports taken; every change is written back at once. */
  private interface Taken {
    boolean has(String port);

    void put(String port, boolean ssl);

    void remove(String port);
  }

  private final Taken taken;
  private final Set<Integer> reserved;

  /** For releasing ports, inside a change. */
  public PortAllocator(DbTx tx) {
    this(tx, Set.of());
  }

  /** Allocates around {@code reserved} (the ports host sockets hold) as well, inside a change. */
  public PortAllocator(DbTx tx, Set<Integer> reserved) {
    Map<String, Boolean> ports = new LinkedHashMap<>(tx.get(Slots.AVAILABLE_PORTS));
    this.taken =
        new Taken() {
          @Override
          public boolean has(String port) {
            return ports.containsKey(port);
          }

          @Override
          public void put(String port, boolean ssl) {
            ports.put(port, ssl);
            tx.set(Slots.AVAILABLE_PORTS, ports);
          }

          @Override
          public void remove(String port) {
            ports.remove(port);
            tx.set(Slots.AVAILABLE_PORTS, ports);
          }
        };
    this.reserved = Set.copyOf(reserved);
  }

  /**
   * For releasing ports in a raw {@link startos.patchdb.PatchDb#mutate} root.
   *
   * @deprecated for {@code startos.service.InstallEntries} until it moves to {@link DbTx}
   */
  @Deprecated
  public PortAllocator(ObjectNode root) {
    ObjectNode node = root;
    for (String name : Slots.AVAILABLE_PORTS.pointer().substring(1).split("/")) {
      node = PackageData.object(node, name);
    }
    ObjectNode ports = node;
    this.taken =
        new Taken() {
          @Override
          public boolean has(String port) {
            return ports.has(port);
          }

          @Override
          public void put(String port, boolean ssl) {
            ports.put(port, ssl);
          }

          @Override
          public void remove(String port) {
            ports.remove(port);
          }
        };
    this.reserved = Set.of();
  }

  public static boolean restricted(int port) {
    return port <= 1024 || RESTRICTED.contains(port);
  }

  /** The preferred port if allowed and free. */
  public OptionalInt tryAlloc(int port, boolean ssl) {
    if (port < 1
        || port > 65535
        || restricted(port)
        || reserved.contains(port)
        || taken.has(Integer.toString(port))) {
      return OptionalInt.empty();
    }
    taken.put(Integer.toString(port), ssl);
    return OptionalInt.of(port);
  }

  /** A free port from the ephemeral range. */
  public int alloc(boolean ssl) {
    for (int i = 0; i < 1000; i++) {
      int port = EPHEMERAL_START + RANDOM.nextInt(65535 - EPHEMERAL_START);
      if (!taken.has(Integer.toString(port)) && !reserved.contains(port)) {
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
