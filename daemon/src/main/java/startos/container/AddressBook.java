package startos.container;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives each container id a fixed address and MAC, persisted in a file so that an id gets the same
 * pair after a restart of the daemon. The MAC is derived from the address: a container that comes
 * back keeps its MAC, so the host's ARP entry stays valid (a random MAC costs 8-38 s of silence).
 */
final class AddressBook {
  private final Path file;
  private final Subnet subnet;
  private final Map<String, Integer> hosts = new TreeMap<>();

  AddressBook(Path file, Subnet subnet) {
    this.file = file;
    this.subnet = subnet;
    load();
  }

  /** The id's address, allocating the lowest free one on first use. */
  synchronized Inet4Address allocate(String id) {
    Integer known = hosts.get(id);
    if (known != null) {
      return subnet.host(known);
    }
    Set<Integer> used = new HashSet<>(hosts.values());
    used.add(subnet.hostNumber(subnet.gateway()));
    for (int n = 2; n <= subnet.lastHost(); n++) {
      if (!used.contains(n)) {
        hosts.put(id, n);
        save();
        return subnet.host(n);
      }
    }
    throw new ContainerException(
        "no free address left in " + subnet.networkCidr() + " for container " + id);
  }

  synchronized Optional<Inet4Address> lookup(String id) {
    return Optional.ofNullable(hosts.get(id)).map(subnet::host);
  }

  synchronized void release(String id) {
    if (hosts.remove(id) != null) {
      save();
    }
  }

  /** A locally administered unicast MAC holding the four address bytes. */
  static String macFor(Inet4Address address) {
    byte[] b = address.getAddress();
    return String.format(
        "02:53:%02x:%02x:%02x:%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
  }

  private void load() {
    PropertiesFile.read(file, "container addresses")
        .forEach((id, value) -> {
          try {
            int n = Integer.parseInt(value);
            subnet.host(n);
            hosts.put(id, n);
          } catch (NumberFormatException | ContainerException e) {
            throw new ContainerException(
                "address file "
                    + file
                    + " gives "
                    + id
                    + " the host number '"
                    + value
                    + "', which is not a host of "
                    + subnet.networkCidr(),
                e);
          }
        });
  }

  private void save() {
    Map<String, String> entries = new TreeMap<>();
    hosts.forEach((id, n) -> entries.put(id, Integer.toString(n)));
    PropertiesFile.write(
        file,
        entries,
        "container id = host number in " + subnet.networkCidr(),
        "container addresses");
  }
}
