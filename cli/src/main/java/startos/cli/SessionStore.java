package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The session cookies {@code auth login} keeps, one per server origin, in a small JSON file
 * (default {@code ~/.startos/.cookies.json}, like StartOS). Written atomically and readable by the
 * owner only, since a session token is a password equivalent.
 */
public final class SessionStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public SessionStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public Optional<String> session(URI server) {
    JsonNode entry = load().path(origin(server));
    return Optional.ofNullable(entry.path("session").textValue()).filter(s -> !s.isEmpty());
  }

  public void save(URI server, String token) {
    ObjectNode all = load();
    ObjectNode entry = all.putObject(origin(server));
    entry.put("session", token);
    write(all);
  }

  /** Forgets the server's session; returns whether there was one. */
  public boolean forget(URI server) {
    ObjectNode all = load();
    if (all.remove(origin(server)) == null) {
      return false;
    }
    write(all);
    return true;
  }

  public static String origin(URI server) {
    int port = server.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(server.getScheme()) ? 443 : 80;
    }
    return server.getScheme().toLowerCase(java.util.Locale.ROOT)
        + "://"
        + server.getHost().toLowerCase(java.util.Locale.ROOT)
        + ":"
        + port;
  }

  private ObjectNode load() {
    if (!Files.exists(file)) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      // an unreadable cookie file only costs a fresh login, so it is not fatal
      return node instanceof ObjectNode o ? o : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private void write(ObjectNode all) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw CliException.local(
          "cannot write the session cookie file " + file + ": " + e.getMessage(), e);
    }
  }
}
