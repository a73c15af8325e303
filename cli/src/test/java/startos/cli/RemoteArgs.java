package startos.cli;

import java.net.URI;
import java.nio.file.Path;

/** start-cli arguments for a remote client: an explicit server and a data dir with no cookie. */
final class RemoteArgs {
  private RemoteArgs() {}

  /** {@code -H <server> --data-dir <noCookieDir>} followed by {@code args}. */
  static String[] remote(URI server, Path noCookieDir, String... args) {
    return remote(server.toString(), noCookieDir, args);
  }

  static String[] remote(String server, Path noCookieDir, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "-H";
    all[1] = server;
    all[2] = "--data-dir";
    all[3] = noCookieDir.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return all;
  }
}
