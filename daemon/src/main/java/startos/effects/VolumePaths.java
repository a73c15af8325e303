package startos.effects;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/** Resolves a package-supplied subpath inside a volume without ever leaving the volume. */
final class VolumePaths {
  private VolumePaths() {}

  /**
   * The real path of {@code subpath} inside {@code volume}. Refuses absolute subpaths, {@code ..}
   * components and symlinks that lead outside the volume.
   */
  static Path resolve(Path volume, Optional<String> subpath) {
    String sub = subpath.orElse("");
    if (sub.startsWith("/")) {
      throw ProtocolException.invalidParams(
          "mount subpath must be relative to the volume, got the absolute path \"" + sub + "\"");
    }
    for (String part : sub.split("/")) {
      if (part.equals("..")) {
        throw ProtocolException.invalidParams(
            "mount subpath must not contain '..', got \"" + sub + "\"");
      }
    }
    try {
      Path root = volume.toRealPath();
      Path wanted = sub.isEmpty() ? root : root.resolve(sub);
      if (!Files.exists(wanted)) {
        throw new RpcException(
            ErrorKind.NOT_FOUND, "mount subpath \"" + sub + "\" does not exist in the volume");
      }
      Path real = wanted.toRealPath();
      if (!real.startsWith(root)) {
        throw new RpcException(
            ErrorKind.AUTHORIZATION,
            "mount subpath \"" + sub + "\" leads outside the volume through a symlink");
      }
      return real;
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.FILESYSTEM, "cannot resolve mount subpath \"" + sub + "\": " + e.getMessage());
    }
  }
}
