package startos.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to run one service container.
 *
 * @param id the service id; names the container, its state directory and its cgroups
 * @param rootfsImage squashfs image used as the read-only lower layer of the root (files owned by
 *     the mapped ids, e.g. built with {@code mksquashfs -force-uid 100000 -force-gid 100000})
 * @param init PID 1 and its arguments; it must handle SIGTERM or stopping waits for the timeout
 * @param mounts host paths and images to make visible inside, in order
 * @param limits cgroup limits
 * @param env environment of PID 1 and the default environment of {@code exec}
 * @param idmapBase first host uid/gid of the container's own id range (its root); empty: the
 *     backend's default ({@code LxcSettings.idmapBase}). The root image stays owned by the default
 *     range and is shown to the container through an idmapped mount.
 * @param writableRoot a host directory for the upper and work directories of the container's root
 *     overlay (on the service's own disk, so its size caps what the root takes); empty: in the
 *     backend's state directory
 */
public record ContainerSpec(
    String id,
    Path rootfsImage,
    List<String> init,
    List<ContainerMount> mounts,
    Limits limits,
    Map<String, String> env,
    OptionalInt idmapBase,
    Optional<Path> writableRoot) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern INIT_ARG = Pattern.compile("[^\\s\"'\\\\]+");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public ContainerSpec {
    requireValidId(id);
    Objects.requireNonNull(rootfsImage, "rootfsImage");
    if (!rootfsImage.isAbsolute()) {
      throw new ContainerException(
          "rootfs image of " + id + " must be an absolute path, got '" + rootfsImage + "'");
    }
    init = List.copyOf(init);
    if (init.isEmpty()) {
      throw new ContainerException("container " + id + " needs an init command");
    }
    for (String arg : init) {
      if (!INIT_ARG.matcher(arg).matches()) {
        throw new ContainerException(
            "init argument '" + arg + "' of " + id + " is empty or has whitespace or quotes");
      }
    }
    mounts = List.copyOf(mounts);
    Set<String> targets = new HashSet<>();
    for (ContainerMount mount : mounts) {
      if (!targets.add(mount.target())) {
        throw new ContainerException("container " + id + " mounts two things at " + mount.target());
      }
    }
    Objects.requireNonNull(limits, "limits");
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_KEY.matcher(e.getKey()).matches()) {
        throw new ContainerException(
            "environment variable name '" + e.getKey() + "' of " + id + " is not valid");
      }
      if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\0') >= 0) {
        throw new ContainerException(
            "environment variable " + e.getKey() + " of " + id + " contains a newline or NUL");
      }
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(idmapBase, "idmapBase");
    if (idmapBase.isPresent() && idmapBase.getAsInt() < 1) {
      throw new ContainerException("the id range of " + id + " must start above 0");
    }
    Objects.requireNonNull(writableRoot, "writableRoot");
    writableRoot.ifPresent(w -> {
      if (!w.isAbsolute()) {
        throw new ContainerException(
            "the writable root of " + id + " must be an absolute path, got '" + w + "'");
      }
    });
  }

  public ContainerSpec(
      String id,
      Path rootfsImage,
      List<String> init,
      List<ContainerMount> mounts,
      Limits limits,
      Map<String, String> env) {
    this(id, rootfsImage, init, mounts, limits, env, OptionalInt.empty(), Optional.empty());
  }

  /** Runs the container's ids 0-65535 as host ids {@code base}... */
  public ContainerSpec withIdmapBase(int base) {
    return new ContainerSpec(
        id, rootfsImage, init, mounts, limits, env, OptionalInt.of(base), writableRoot);
  }

  /** Keeps the root overlay's upper and work directories in {@code dir}. */
  public ContainerSpec withWritableRoot(Path dir) {
    return new ContainerSpec(
        id, rootfsImage, init, mounts, limits, env, idmapBase, Optional.of(dir));
  }

  /** A container with no mounts, no limits and no environment. */
  public static ContainerSpec of(String id, Path rootfsImage, String... init) {
    return new ContainerSpec(id, rootfsImage, List.of(init), List.of(), Limits.NONE, Map.of());
  }

  public ContainerSpec withMount(ContainerMount mount) {
    List<ContainerMount> more = new ArrayList<>(mounts);
    more.add(mount);
    return new ContainerSpec(id, rootfsImage, init, more, limits, env, idmapBase, writableRoot);
  }

  public ContainerSpec withLimits(Limits newLimits) {
    return new ContainerSpec(
        id, rootfsImage, init, mounts, newLimits, env, idmapBase, writableRoot);
  }

  public ContainerSpec withEnv(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(key, value);
    return new ContainerSpec(id, rootfsImage, init, mounts, limits, more, idmapBase, writableRoot);
  }

  /** Rejects ids that could not name a container, a directory and a cgroup safely. */
  static void requireValidId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new ContainerException(
          "container id '"
              + id
              + "' must be 1-63 lowercase letters, digits or '-', starting with a letter or digit");
    }
  }
}
