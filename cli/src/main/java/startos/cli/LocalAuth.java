package startos.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the local auth cookie startd writes to {@code <data-dir>/rpc.authcookie}, which lets a user
 * on the server itself run commands without {@code auth login}. Only ever sent to a loopback host,
 * so it never leaves the machine.
 */
public final class LocalAuth {
  public static final String FILE_NAME = "rpc.authcookie";

  private LocalAuth() {}

  /**
   * The places looked at, first match wins: the explicit data dir, {@code STARTOS_DATA_DIR},
   * StartOS's {@code /run/startos}, the default data dir {@code /var/lib/startos}, then a {@code
   * .dev-data} dir (what {@code ./run} uses) in the checkout or any parent of the working dir.
   */
  public static List<Path> candidates(Optional<Path> dataDir, CliEnv env) {
    List<Path> out = new ArrayList<>();
    if (dataDir.isPresent()) {
      // an explicit choice must not silently fall back to another server's cookie
      out.add(dataDir.get().resolve(FILE_NAME));
      return out;
    }
    env.variable("STARTOS_DATA_DIR").ifPresent(d -> out.add(Path.of(d).resolve(FILE_NAME)));
    out.add(Path.of("/run/startos", FILE_NAME));
    out.add(Path.of("/var/lib/startos", FILE_NAME));
    env.variable("STARTOS_ROOT")
        .ifPresent(r -> out.add(Path.of(r).resolve(".dev-data").resolve(FILE_NAME)));
    for (Path p = env.cwd().toAbsolutePath(); p != null; p = p.getParent()) {
      out.add(p.resolve(".dev-data").resolve(FILE_NAME));
    }
    return out;
  }

  public static Optional<String> cookie(URI host, Optional<Path> dataDir, CliEnv env) {
    if (!isLoopback(host)) {
      return Optional.empty();
    }
    for (Path candidate : candidates(dataDir, env)) {
      if (Files.isReadable(candidate)) {
        try {
          String value = Files.readString(candidate, StandardCharsets.UTF_8).trim();
          if (!value.isEmpty()) {
            return Optional.of(value);
          }
        } catch (IOException e) {
          // unreadable for this user (e.g. root-only): try the next one
        }
      }
    }
    return Optional.empty();
  }

  public static boolean isLoopback(URI host) {
    String name = host.getHost();
    if (name == null) {
      return false;
    }
    if (name.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!name.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
      return false; // only literal addresses: no DNS lookup to decide where a secret goes
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
