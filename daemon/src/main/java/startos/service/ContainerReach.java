package startos.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The containers' root is an unprivileged host uid, so it must be able to search every directory
 * above the data dir; otherwise lxc-start only says "Permission denied" with no hint of where.
 */
final class ContainerReach {
  private ContainerReach() {}

  /** Throws a message naming the first directory the containers' root cannot search. */
  static void require(Path dataDir, int containerRootUid) {
    for (Path p = dataDir.toAbsolutePath(); p != null; p = p.getParent()) {
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(p, PosixFileAttributes.class);
      } catch (IOException | UnsupportedOperationException e) {
        return; // not a POSIX file system or not readable here: let LXC judge
      }
      var perms = a.permissions();
      boolean searchable =
          perms.contains(PosixFilePermission.OTHERS_EXECUTE)
              || a.owner().getName().equals(Integer.toString(containerRootUid))
                  && perms.contains(PosixFilePermission.OWNER_EXECUTE);
      if (!searchable) {
        // the directory first: the progress stream's close reason cuts long messages short
        throw new RpcException(
            ErrorKind.FILESYSTEM,
            p
                + " is not searchable by the containers' root (host uid "
                + containerRootUid
                + "): run `chmod o+x "
                + p
                + "` or use a data dir outside it (data dir "
                + dataDir
                + ")");
      }
    }
  }
}
