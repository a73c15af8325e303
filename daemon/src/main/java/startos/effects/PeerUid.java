package startos.effects;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The host uid of the process at the other end of a Unix socket ({@code SO_PEERCRED}), which the
 * peer cannot fake: the kernel records it when the peer connects or listens. Used to make sure a
 * socket found in a package's directory really leads into that package's container.
 */
public final class PeerUid {
  private PeerUid() {}

  /**
   * The peer's uid, empty when the platform cannot tell. The JDK gives a user name, or the number
   * when the uid has no name (as a container's mapped ids have none).
   */
  public static OptionalLong of(SocketChannel channel) {
    try {
      UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      String name = p.user().getName();
      if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
        return OptionalLong.of(Long.parseLong(name));
      }
      return uidOfName(name);
    } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Whether the peer's uid is known and passes {@code allowed}. */
  public static boolean matches(SocketChannel channel, LongPredicate allowed) {
    OptionalLong uid = of(channel);
    return uid.isPresent() && allowed.test(uid.getAsLong());
  }

  private static OptionalLong uidOfName(String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
      String[] f = line.split(":");
      if (f.length > 2 && f[0].equals(name)) {
        return OptionalLong.of(Long.parseLong(f[2]));
      }
    }
    return OptionalLong.empty();
  }
}
