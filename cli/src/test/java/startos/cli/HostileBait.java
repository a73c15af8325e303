package startos.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What the hostile test package aims at on the host: one canary directory per attack, a secret
 * file, host services on loopback and on every address, and a unix socket startd must never touch.
 * Everything is recorded when made, so a test can say exactly what changed.
 *
 * <p>Threading: listeners accept on their own virtual threads; counters are safe to read anywhere.
 */
final class HostileBait implements AutoCloseable {
  /** Canary files per directory, as many as the package makes in the tree it asks to delete. */
  static final int VICTIM_FILES = 1000;

  /** The first line a connection to a bait service gets: the package looks for it. */
  static final String SERVICE_BANNER = "HOST-LOOPBACK-SERVICE";

  private final Path dir;
  private final Path canaryRoot;
  private final Path secretDir;
  private final Map<String, String> secrets = new TreeMap<>();
  private final Path trapSocket;
  private final Map<String, String> snapshot;
  private final ServerSocket loopback;
  private final ServerSocket lan;
  private final ServerSocketChannel trap;
  private final AtomicInteger loopbackConnections = new AtomicInteger();
  private final AtomicInteger lanConnections = new AtomicInteger();
  private final AtomicInteger trapConnections = new AtomicInteger();

  /**
   * Makes a canary directory for each of {@code canaries} and a secret file for each of {@code
   * secretReaders} (the attacks that aim at a host file's content).
   */
  HostileBait(Path dir, List<String> canaries, List<String> secretReaders) throws IOException {
    this.dir = dir;
    this.canaryRoot = Files.createDirectories(dir.resolve("canary"));
    for (String attack : canaries) {
      Path d = Files.createDirectories(canaryRoot.resolve(attack));
      Files.writeString(d.resolve("canary.txt"), "HOSTILE-CANARY " + attack + "\n");
      for (int i = 0; i < VICTIM_FILES; i++) {
        Files.writeString(d.resolve(String.format("f%04d", i)), "canary " + i + "\n");
      }
    }
    this.secretDir = Files.createDirectories(dir.resolve("secrets"));
    for (String attack : secretReaders) {
      String secret = "HOSTILE-SECRET-" + attack + "-" + UUID.randomUUID();
      Files.writeString(secretDir.resolve(attack + ".txt"), secret + "\n");
      secrets.put(attack, secret);
    }
    this.snapshot = snapshot();
    this.loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.lan = new ServerSocket();
    lan.bind(new InetSocketAddress(0));
    this.trapSocket = dir.resolve("trap.sock");
    this.trap = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    trap.bind(UnixDomainSocketAddress.of(trapSocket));
    serve(loopback, loopbackConnections);
    serve(lan, lanConnections);
    Thread.ofVirtual()
        .name("hostile-trap-socket")
        .start(() -> {
          while (trap.isOpen()) {
            try (SocketChannel c = trap.accept()) {
              trapConnections.incrementAndGet();
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  private static void serve(ServerSocket server, AtomicInteger count) {
    Thread.ofVirtual()
        .name("hostile-bait-service")
        .start(() -> {
          while (!server.isClosed()) {
            try (Socket s = server.accept()) {
              count.incrementAndGet();
              OutputStream out = s.getOutputStream();
              out.write((SERVICE_BANNER + "\n").getBytes(StandardCharsets.US_ASCII));
              out.flush();
            } catch (IOException e) {
              if (server.isClosed()) {
                return;
              }
            }
          }
        });
  }

  Path canaryRoot() {
    return canaryRoot;
  }

  Path canary(String attack) {
    return canaryRoot.resolve(attack);
  }

  Path secretDir() {
    return secretDir;
  }

  /** The content of the secret file the attack {@code attack} aims at. */
  String secret(String attack) {
    String s = secrets.get(attack);
    if (s == null) {
      throw new IllegalArgumentException("no secret for " + attack);
    }
    return s;
  }

  /** Every secret, by attack. */
  Map<String, String> secrets() {
    return Map.copyOf(secrets);
  }

  Path trapSocket() {
    return trapSocket;
  }

  int loopbackPort() {
    return loopback.getLocalPort();
  }

  int lanPort() {
    return lan.getLocalPort();
  }

  int loopbackConnections() {
    return loopbackConnections.get();
  }

  int lanConnections() {
    return lanConnections.get();
  }

  int trapConnections() {
    return trapConnections.get();
  }

  /** Owner and mode of the trap socket itself (not of anything it might point to). */
  String trapSocketOwnership() throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(trapSocket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.owner().getName() + ":" + a.group().getName() + " " + a.permissions();
  }

  /**
   * Every difference between the canary tree now and when it was made, under {@code sub} (a path
   * relative to the canary root, "" for all): a line per file gone, added or changed.
   */
  List<String> changes(String sub) throws IOException {
    Map<String, String> now = snapshot();
    List<String> out = new ArrayList<>();
    for (var e : snapshot.entrySet()) {
      if (!e.getKey().startsWith(sub)) {
        continue;
      }
      String n = now.get(e.getKey());
      if (n == null) {
        out.add("deleted " + e.getKey());
      } else if (!n.equals(e.getValue())) {
        out.add("changed " + e.getKey() + ": " + e.getValue() + " -> " + n);
      }
    }
    for (String k : now.keySet()) {
      if (k.startsWith(sub) && !snapshot.containsKey(k)) {
        out.add("added " + k + ": " + now.get(k));
      }
    }
    return out;
  }

  /** Relative path -> type, content digest, mtime, owner and mode; symlinks are not followed. */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(canaryRoot)) {
      for (Path p : all.toList()) {
        PosixFileAttributes a =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String kind =
            a.isSymbolicLink()
                ? "link->" + Files.readSymbolicLink(p)
                : a.isDirectory() ? "dir" : a.isRegularFile() ? "file " + digest(p) : "other";
        String mtime = a.isDirectory() ? "" : " mtime " + a.lastModifiedTime();
        out.put(
            canaryRoot.relativize(p).toString(),
            kind + mtime + " " + a.owner().getName() + " " + a.permissions());
      }
    }
    return out;
  }

  private static String digest(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory holding the bait (not the data dir). */
  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    loopback.close();
    lan.close();
    trap.close();
    Files.deleteIfExists(trapSocket);
  }
}
