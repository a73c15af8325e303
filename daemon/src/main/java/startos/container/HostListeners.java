package startos.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ports that sockets of the host's network namespace hold, read from {@code /proc/net} at the
 * moment of asking: TCP sockets in LISTEN and every bound UDP socket, on any address. A port in
 * this set belongs to a host service (startd itself, sshd, a database on 127.0.0.1…), so no package
 * may have it forwarded: the forward would shadow the service for LAN clients. Thread-safe.
 */
public final class HostListeners {
  private static final String TCP_LISTEN = "0A";
  private static final List<String> TCP_FILES = List.of("tcp", "tcp6");
  private static final List<String> UDP_FILES = List.of("udp", "udp6");

  private final Path procNet;

  HostListeners(Path procNet) {
    this.procNet = procNet;
  }

  /** The host's own sockets, from {@code /proc/net} of startd's (the host's) namespace. */
  public static HostListeners system() {
    return new HostListeners(Path.of("/proc/net"));
  }

  /** The ports held right now. */
  public Set<Integer> ports() {
    Set<Integer> ports = new TreeSet<>();
    for (String file : TCP_FILES) {
      read(file, true, ports);
    }
    for (String file : UDP_FILES) {
      read(file, false, ports);
    }
    return ports;
  }

  public boolean inUse(int port) {
    return ports().contains(port);
  }

  private void read(String name, boolean listenOnly, Set<Integer> into) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procNet.resolve(name));
    } catch (NoSuchFileException e) {
      return; // no IPv6 on this kernel
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + procNet.resolve(name), e);
    }
    // "sl local_address rem_address st ...": local_address is HEXIP:HEXPORT
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 4 || (listenOnly && !f[3].equals(TCP_LISTEN))) {
        continue;
      }
      int colon = f[1].lastIndexOf(':');
      if (colon > 0) {
        into.add(Integer.parseInt(f[1].substring(colon + 1), 16));
      }
    }
  }
}
