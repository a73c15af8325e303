package startos.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Host-side binds into a running package's subcontainer (the mount effect). The package owns every
 * file of its subcontainer, so the mount point is walked without following symlinks (one could
 * point anywhere on the host), and a read-only bind is made read-only in a private staging mount
 * before it is moved into place: a remount after the bind would not reach the copy that mount
 * propagation already put into the container, which would stay writable.
 */
final class SubcontainerBind {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** Where the package sees {@code root}. */
  private static final String SEEN_AT = "/media/startos/subcontainers/";

  private SubcontainerBind() {}

  /**
   * The real host path of {@code relative} (starting with the subcontainer guid) under {@code
   * root}, creating missing directories (and a missing last file when {@code file}) one at a time.
   *
   * @param location the path the package asked for, for error messages
   */
  static Path mountPoint(Path root, Path relative, boolean file, String location) {
    if (relative.getNameCount() < 2) {
      throw refused(location, "it must name a path inside a subcontainer");
    }
    Path current = root;
    try {
      for (int i = 0; i < relative.getNameCount(); i++) {
        current = current.resolve(relative.getName(i));
        boolean last = i == relative.getNameCount() - 1;
        if (Files.isSymbolicLink(current)) {
          String which = last ? "it" : SEEN_AT + root.relativize(current);
          throw refused(location, which + " is a symlink; a mount point must be a real path");
        }
        if (!Files.exists(current, NOFOLLOW)) {
          if (i == 0) {
            throw new RpcException(
                ErrorKind.NOT_FOUND,
                "cannot mount at "
                    + location
                    + ": there is no subcontainer "
                    + relative.getName(0));
          }
          if (last && file) {
            Files.createFile(current);
          } else {
            Files.createDirectory(current);
          }
        } else if (!last && !Files.isDirectory(current, NOFOLLOW)) {
          throw refused(location, SEEN_AT + root.relativize(current) + " is not a directory");
        }
      }
      // a directory swapped for a symlink while we walked shows up here
      Path expected = root.toRealPath().resolve(relative);
      if (!current.toRealPath().equals(expected)) {
        throw refused(location, "it changed into a symlink while being prepared");
      }
      return expected;
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.FILESYSTEM, "cannot create mount point " + location + ": " + e.getMessage());
    }
  }

  /**
   * Binds {@code source} at {@code target} through a private staging mount under {@code
   * stagingParent} (a host directory no container sees), read-only first when asked.
   */
  static void bind(Path source, Path target, boolean readOnly, Path stagingParent) {
    Path staging;
    try {
      Files.createDirectories(stagingParent);
      staging = Files.createTempDirectory(stagingParent, "bind-");
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.FILESYSTEM, "cannot prepare the mount of " + source + ": " + e.getMessage());
    }
    String what = "mount " + source;
    boolean stagingMounted = false;
    try {
      HostCommands.run(what, "mount", "--bind", staging.toString(), staging.toString());
      stagingMounted = true;
      HostCommands.run(what, "mount", "--make-private", staging.toString());
      Path held = staging.resolve("held");
      if (Files.isDirectory(source)) {
        Files.createDirectory(held);
      } else {
        Files.createFile(held);
      }
      HostCommands.run(what, "mount", "--bind", source.toString(), held.toString());
      if (readOnly) {
        HostCommands.run(what + " read-only", "mount", "-o", "remount,bind,ro", held.toString());
      }
      moveInto(what, held, target);
    } catch (IOException e) {
      throw new RpcException(ErrorKind.FILESYSTEM, what + ": " + e.getMessage());
    } finally {
      if (stagingMounted) {
        // -R: a bind left in staging after a failure goes with it
        HostCommands.run("unmount " + staging, "umount", "-R", staging.toString());
      }
      PackageLayout.deleteTree(staging);
    }
  }

  /**
   * Moves the staged mount onto {@code target} (a real path from {@link #mountPoint}). A directory
   * is entered first and mounted on as {@code .}, so the mount lands on the directory that was
   * checked even if the package swaps a path component for a symlink meanwhile; the shell checks
   * that cwd is still where it should be.
   */
  private static void moveInto(String what, Path held, Path target) throws IOException {
    if (!Files.isDirectory(target, NOFOLLOW)) {
      HostCommands.run(what, "mount", "--move", held.toString(), target.toString());
      return;
    }
    String script =
        "[ \"$(pwd -P)\" = \"$0\" ] || { echo \"the mount point moved to $(pwd -P)\"; exit 1; }; "
            + "exec mount --no-canonicalize --move \"$1\" .";
    HostCommands.run(
        what, Optional.of(target), List.of("sh", "-c", script, target.toString(), held.toString()));
  }

  private static RpcException refused(String location, String why) {
    return new RpcException(
        ErrorKind.INVALID_REQUEST, "mount location " + location + " refused: " + why);
  }
}
