package startos.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machine-wide claim on a {@link HostNamespace}: one lock file per name in {@code /run/startos}
 * ({@code bridge-<name>.lock}, {@code nft-<table>.lock}, {@code cgroup-<prefix>.lock}, {@code
 * subnet-<network>.lock}), locked for as long as the claim is open and holding the owner's pid. A
 * second startd on any of the same names is refused before it removes anything, since {@link
 * LxcBackend#cleanupAll} would tear down the first one's containers, bridge and table.
 *
 * <p>The locks are POSIX record locks, released by the kernel when the process dies, so a crashed
 * startd never leaves a stale claim. Those locks belong to the process, not to a channel, and any
 * close of the file in this process would drop them: claims of this JVM are therefore tracked in
 * {@link #HELD} and a file held here is never opened a second time. Thread-safe.
 */
public final class HostClaim implements AutoCloseable {
  /** Where the lock files live: tmpfs, so a reboot starts without any. */
  public static final Path LOCK_DIR = Path.of("/run/startos");

  private static final Map<Path, HostNamespace> HELD = new ConcurrentHashMap<>();

  private final List<Path> files;
  private final List<FileChannel> channels;
  private boolean closed;

  private HostClaim(List<Path> files, List<FileChannel> channels) {
    this.files = files;
    this.channels = channels;
  }

  /**
   * Claims {@code ns} on this machine.
   *
   * @throws ContainerException naming the other startd's pid and names when any of them is taken;
   *     {@link AccessDenied} when this process may not create the lock files (not root)
   */
  public static HostClaim acquire(HostNamespace ns) {
    return acquire(ns, Duration.ZERO);
  }

  /**
   * Claims {@code ns}, waiting up to {@code wait} for another holder to let go: the suite's daemons
   * share one namespace and take turns across parallel test runs.
   */
  public static HostClaim acquire(HostNamespace ns, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        return acquire(ns, LOCK_DIR);
      } catch (Taken e) {
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ContainerException("interrupted while waiting for " + ns, e);
      }
    }
  }

  static HostClaim acquire(HostNamespace ns, Path lockDir) {
    try {
      Files.createDirectories(lockDir);
    } catch (AccessDeniedException e) {
      throw new AccessDenied("cannot create " + lockDir + ": permission denied", e);
    } catch (IOException e) {
      throw new ContainerException("cannot create the lock directory " + lockDir, e);
    }
    List<Path> files = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>();
    HostClaim claim = new HostClaim(files, channels);
    try {
      Map<String, String> names = new LinkedHashMap<>();
      names.put("bridge-" + ns.bridge(), "bridge " + ns.bridge());
      names.put("nft-" + ns.nftTable(), "nft table ip " + ns.nftTable());
      names.put("cgroup-" + ns.cgroupPrefix(), "cgroups " + ns.cgroupPrefix() + ".*");
      String net = ns.subnet().networkCidr();
      names.put("subnet-" + net.replace('/', '_'), "subnet " + net);
      for (Map.Entry<String, String> name : names.entrySet()) {
        Path file = lockDir.resolve(name.getKey() + ".lock");
        HostNamespace other = HELD.putIfAbsent(file, ns);
        if (other != null) {
          throw taken(ns, name.getValue(), ProcessHandle.current().pid(), file);
        }
        files.add(file);
        channels.add(lock(ns, name.getValue(), file));
      }
      return claim;
    } catch (RuntimeException e) {
      claim.close();
      throw e;
    }
  }

  private static FileChannel lock(HostNamespace ns, String what, Path file) {
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      throw new AccessDenied("cannot open " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new ContainerException("cannot open the lock file " + file, e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        long pid = readPid(channel);
        channel.close();
        throw taken(ns, what, pid, file);
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      return channel;
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ContainerException("cannot lock " + file, e);
    }
  }

  private static long readPid(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return -1; // the holder has not written its pid yet
    }
  }

  private static Taken taken(HostNamespace ns, String what, long pid, Path file) {
    return new Taken(
        "another startd (pid "
            + (pid > 0 ? Long.toString(pid) : "unknown")
            + ") already runs the containers on "
            + what
            + " (lock "
            + file
            + "); this one would use "
            + ns
            + ". Stop the other startd, or give this one its own --bridge, --subnet, --nft-table"
            + " and --cgroup-prefix");
  }

  /** Releases the claim; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (FileChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        // the lock goes with the fd anyway
      }
    }
    files.forEach(HELD::remove);
  }

  /** Another startd holds one of the names. */
  public static final class Taken extends ContainerException {
    private static final long serialVersionUID = 1L;

    Taken(String message) {
      super(message);
    }
  }

  /** This process may not create the lock files: it cannot run containers either. */
  public static final class AccessDenied extends ContainerException {
    private static final long serialVersionUID = 1L;

    AccessDenied(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
