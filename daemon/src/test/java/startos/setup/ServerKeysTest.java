package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.ssl.Pem;

class ServerKeysTest {
  @Test
  void theSshKeyIsOneOpenSshAcceptsAndItsPublicLineMatches(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen not installed");
    ServerKeys keys = ServerKeys.generate();
    Path file = dir.resolve("id_ed25519");
    Files.writeString(file, keys.sshPrivateKey());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    Process keygen =
        new ProcessBuilder("/usr/bin/ssh-keygen", "-y", "-f", file.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String derived = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keygen.exitValue()).as(derived).isZero();
    assertThat(derived.strip()).startsWith(keys.sshPublicKey());
  }

  @Test
  void theDeveloperKeyIsAPkcs8Ed25519Key() {
    assertThat(Pem.privateKey(ServerKeys.generate().developerKey()).getAlgorithm())
        .isIn("Ed25519", "EdDSA");
  }
}
