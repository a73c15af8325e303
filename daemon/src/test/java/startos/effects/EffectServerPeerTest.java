package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.patchdb.PatchDb;

/**
 * host.sock answers only processes running as the package's ids (SO_PEERCRED): a client of another
 * uid gets its connection closed without a reply. The client runs as a real other uid.
 */
class EffectServerPeerTest {
  private static final int PACKAGE_UID = 1_234_000;
  private static final int STRANGER_UID = 1_300_000;

  @TempDir Path dir;

  @Test
  void aPeerOutsideThePackagesIdsGetsNoAnswer() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    PatchDb db = PatchDb.inMemory();
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject("pkg");
      entry.putObject("stateInfo").put("state", "installed");
      return null;
    });
    Path socket = dir.resolve("host.sock");
    EffectServerTest.FakeHost host = new EffectServerTest.FakeHost(dir);
    try (EffectServer server =
        EffectServer.start(
            "pkg",
            socket,
            PACKAGE_UID,
            uid -> uid == PACKAGE_UID,
            StandardEffects.table(db, host, new Watches(host)))) {
      // the socket is the package's uid's; the stranger may open it only because of the mode
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));

      assertThat(callAs(PACKAGE_UID, socket)).contains("10.0.3.1");
      assertThat(callAs(STRANGER_UID, socket)).isEqualTo("no answer");
    } finally {
      db.close();
    }
  }

  /** get-os-ip over host.sock from a process running as {@code uid}. */
  private static String callAs(int uid, Path socket) throws Exception {
    String script =
        "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX)\n"
            + "s.connect(sys.argv[1])\n"
            // a refused peer may be cut off before its request is even written
            + "try:\n"
            + "  s.sendall(b'{\"id\":1,\"method\":\"get-os-ip\",\"params\":{}}\\n')\n"
            + "  d=s.recv(4096)\n"
            + "except (BrokenPipeError, ConnectionResetError):\n  d=b''\n"
            + "print(d.decode() if d else 'no answer')\n";
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--reuid=" + uid,
                "--regid=" + uid,
                "--clear-groups",
                "/usr/bin/python3",
                "-c",
                script,
                socket.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
