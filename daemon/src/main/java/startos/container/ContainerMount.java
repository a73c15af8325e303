package startos.container;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Something from the host made visible inside a container at {@code target} (an absolute path in
 * the container). Read-write binds are chowned to the container's mapped root so it can write.
 */
public record ContainerMount(Path source, String target, boolean readOnly, MountKind kind) {
  private static final Pattern SAFE = Pattern.compile("[^\\s\"'\\\\]+");

  public ContainerMount {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(kind, "kind");
    if (!source.isAbsolute()) {
      throw new ContainerException("mount source must be an absolute path, got '" + source + "'");
    }
    if (!SAFE.matcher(source.toString()).matches()) {
      throw new ContainerException(
          "mount source '" + source + "' contains whitespace, quotes or backslashes");
    }
    if (!target.startsWith("/") || target.equals("/")) {
      throw new ContainerException(
          "mount target must be an absolute path below / inside the container, got '"
              + target
              + "'");
    }
    if (!SAFE.matcher(target).matches()) {
      throw new ContainerException(
          "mount target '" + target + "' contains whitespace, quotes or backslashes");
    }
    for (String part : target.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new ContainerException(
            "mount target '" + target + "' must be a normalized path without '.', '..' or '//'");
      }
    }
    if (kind == MountKind.SQUASHFS && !readOnly) {
      throw new ContainerException(
          "squashfs mount of " + source + " at " + target + " must be read-only");
    }
  }

  /** A writable host directory (a volume, the rpc dir) at {@code target}. */
  public static ContainerMount bind(Path source, String target) {
    return new ContainerMount(source, target, false, MountKind.BIND);
  }

  /** A host directory or file visible read-only at {@code target}. */
  public static ContainerMount readOnlyBind(Path source, String target) {
    return new ContainerMount(source, target, true, MountKind.BIND);
  }

  /** A squashfs image (package javascript, an image) visible read-only at {@code target}. */
  public static ContainerMount squashfs(Path image, String target) {
    return new ContainerMount(image, target, true, MountKind.SQUASHFS);
  }

  /** The target as LXC wants it in a mount entry: relative to the container root. */
  String relativeTarget() {
    return target.substring(1);
  }
}
