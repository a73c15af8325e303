package startos.effects;

import java.util.Optional;
import startos.rpc.ProtocolException;

/**
 * Checks a package-supplied subpath of a volume before it goes to {@link startos.hostfs.HostMount},
 * which resolves it on disk without following symlinks.
 */
final class VolumePaths {
  private VolumePaths() {}

  /**
   * {@code volume} or {@code volume/subpath}, relative to the volumes directory. Refuses absolute
   * subpaths and {@code ..} components, with the sentence the package sees.
   */
  static String relative(String volume, Optional<String> subpath) {
    String sub = subpath.orElse("");
    if (sub.startsWith("/")) {
      throw ProtocolException.invalidParams(
          "mount subpath must be relative to the volume, got the absolute path \"" + sub + "\"");
    }
    StringBuilder path = new StringBuilder(volume);
    for (String part : sub.split("/")) {
      if (part.equals("..")) {
        throw ProtocolException.invalidParams(
            "mount subpath must not contain '..', got \"" + sub + "\"");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        path.append('/').append(part);
      }
    }
    return path.toString();
  }
}
