package startos.hostfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Binds a path of one host directory onto a path of another without following any symlink below
 * either: the work is done by the native {@code host-mount} helper ({@code start-container/
 * host-mount.c}), because only openat2, open_tree, mount_setattr and move_mount can resolve and
 * attach by file descriptor, and Java reaches none of them. The mount is nosuid and nodev, and
 * read-only before it is attached when asked.
 *
 * <p>Trusted side: the two roots (the host's directories); untrusted: both relative paths and
 * everything found below the roots. Blocking, any thread.
 */
public final class HostMount {
  /** Found once per JVM: system property, environment, the checkout, an installed copy, PATH. */
  static final Optional<Path> TOOL = locate();

  private HostMount() {}

  /**
   * Binds {@code sourcePath} below {@code sourceRoot} onto {@code targetPath} below {@code
   * targetRoot}, creating missing target components after the first (directories, and a last file
   * when the source is a file).
   *
   * @param what the mount as the package asked for it, to start every error sentence
   * @throws RpcException NOT_FOUND when a path does not exist, INVALID_REQUEST when a symlink, a
   *     special file or a type mismatch is in the way, FILESYSTEM otherwise; the message names the
   *     offending path
   */
  public static void bind(
      Path sourceRoot,
      String sourcePath,
      Path targetRoot,
      String targetPath,
      boolean readOnly,
      String what) {
    List<String> command = new ArrayList<>();
    command.add(tool(what).toString());
    if (readOnly) {
      command.add("--read-only");
    }
    command.addAll(List.of(sourceRoot.toString(), sourcePath, targetRoot.toString(), targetPath));
    run(command, what);
  }

  private static void run(List<String> command, String what) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(1, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new RpcException(ErrorKind.FILESYSTEM, what + ": host-mount timed out");
      }
      int code = p.exitValue();
      if (code == 0) {
        return;
      }
      String why =
          out.strip()
              .lines()
              .reduce((a, b) -> b)
              .orElse("exit " + code)
              .replace("host-mount: ", "");
      ErrorKind kind =
          switch (code) {
            case 3 -> ErrorKind.NOT_FOUND;
            case 4 -> ErrorKind.INVALID_REQUEST;
            default -> ErrorKind.FILESYSTEM;
          };
      throw new RpcException(kind, what + " refused: " + why);
    } catch (IOException e) {
      throw new RpcException(ErrorKind.FILESYSTEM, what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, what + ": interrupted");
    }
  }

  /**
   * Detaches the mount whose root is {@code relative} below {@code root}, found without following a
   * symlink: umount by name would follow one the package swapped into the path after the host read
   * it from the mount table, and could unmount a filesystem of the host.
   *
   * @throws RpcException INVALID_REQUEST when the path leads through a symlink or is not a mount
   */
  public static void unmount(Path root, String relative, String what) {
    run(List.of(tool(what).toString(), "--unmount", root.toString(), relative), what);
  }

  /**
   * SIGKILLs every process whose root lies on the overlay mounted at {@code relative} below {@code
   * root} (a subcontainer: its processes are pivoted or chrooted there) and returns once none is
   * left. The helper signals each process through the {@code /proc/<pid>} directory it checked, so
   * a pid recycled meanwhile is never hit, and refuses anything but an overlay there: another
   * filesystem could be the root of the host's own processes.
   *
   * @throws RpcException INVALID_REQUEST when the path is a symlink or not an overlay mount,
   *     NOT_FOUND when it does not exist, FILESYSTEM when processes were still running after 10 s
   */
  public static void killProcessesRootedIn(Path root, String relative, String what) {
    run(List.of(tool(what).toString(), "--kill", root.toString(), relative), what);
  }

  private static Path tool(String what) {
    return TOOL.orElseThrow(() ->
        new RpcException(
            ErrorKind.FILESYSTEM,
            what
                + ": the host-mount helper is missing (built by scripts/setup-host.sh in"
                + " start-container/build, or set STARTOS_HOST_MOUNT)"));
  }

  private static Optional<Path> locate() {
    Optional<String> configured =
        Optional.ofNullable(System.getProperty("startos.host-mount"))
            .or(() -> Optional.ofNullable(System.getenv("STARTOS_HOST_MOUNT")));
    if (configured.isPresent()) {
      return configured.map(Path::of).filter(Files::isExecutable);
    }
    Path cwd = Path.of("").toAbsolutePath();
    Stream<Path> candidates =
        Stream.of(
                Optional.ofNullable(System.getenv("STARTOS_ROOT")).map(Path::of),
                Optional.of(cwd),
                Optional.ofNullable(cwd.getParent()))
            .flatMap(Optional::stream)
            .map(root -> root.resolve("start-container/build/host-mount"));
    return Stream.concat(candidates, Stream.of(Path.of("/usr/lib/startos/host-mount")))
        .filter(Files::isExecutable)
        .findFirst()
        .or(HostMount::onPath);
  }

  private static Optional<Path> onPath() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "host-mount");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
