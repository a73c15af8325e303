package startos.cli.pack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import startos.cli.CliException;
import startos.cli.CliSettings;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.S9pkException;

/**
 * Where the signing key comes from, as in StartOS: an explicit {@code --developer-key-path} wins;
 * else a workspace's {@code .startos/build-key} (searched upward from the package), the OS's {@code
 * /run/startos/developer.key.pem}, then {@code ~/.startos/developer.key.pem}.
 */
final class DeveloperKeys {
  static final Path OS_KEY = Path.of("/run/startos/developer.key.pem");

  private DeveloperKeys() {}

  static DeveloperKey forSigning(CliSettings root, Path packageDir) {
    List<Path> tried = new ArrayList<>();
    for (Path candidate : candidates(root, packageDir)) {
      tried.add(candidate);
      if (Files.isRegularFile(candidate)) {
        return load(candidate);
      }
    }
    throw CliException.local(
        "no developer key found (looked at "
            + tried
            + "): run `start-cli init-key` or pass --developer-key-path");
  }

  private static List<Path> candidates(CliSettings root, Path packageDir) {
    List<Path> out = new ArrayList<>();
    if (root.developerKeyPathGiven()) {
      out.add(root.developerKeyFile());
      return out;
    }
    workspaceKey(packageDir).ifPresent(out::add);
    out.add(OS_KEY);
    out.add(root.developerKeyFile());
    return out;
  }

  private static Optional<Path> workspaceKey(Path from) {
    for (Path p = from.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      Path key = p.resolve(".startos").resolve("build-key");
      if (Files.isRegularFile(key)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  static DeveloperKey load(Path file) {
    try {
      return DeveloperKey.load(file);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }
}
