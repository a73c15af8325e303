package startos.setup;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import startos.ssl.Pem;

/**
 * The server's own Ed25519 keys, made once at setup.
 *
 * @param sshPrivateKey the server's SSH identity in OpenSSH PEM form ({@code /private/sshPrivkey})
 * @param sshPublicKey its OpenSSH one-line form ({@code ssh-ed25519 AAAA…}), shown as {@code
 *     serverInfo.pubkey}
 * @param developerKey a PKCS#8 PEM Ed25519 key for re-signing converted packages ({@code
 *     /private/developerKey})
 */
public record ServerKeys(String sshPrivateKey, String sshPublicKey, String developerKey) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public ServerKeys {
    if (!sshPublicKey.startsWith("ssh-ed25519 ")) {
      throw new IllegalArgumentException("the server SSH key must be ssh-ed25519");
    }
  }

  /** Generates fresh keys. */
  public static ServerKeys generate() {
    Ed25519PrivateKeyParameters ssh = newKey();
    try {
      byte[] sshPublic = OpenSSHPublicKeyUtil.encodePublicKey(ssh.generatePublicKey());
      String sshPrivatePem =
          Pem.encode("OPENSSH PRIVATE KEY", OpenSSHPrivateKeyUtil.encodePrivateKey(ssh));
      String developerPem =
          Pem.encode(
              "PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(newKey()).getEncoded());
      return new ServerKeys(
          sshPrivatePem,
          "ssh-ed25519 " + Base64.getEncoder().encodeToString(sshPublic),
          developerPem);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a fresh Ed25519 key", e);
    }
  }

  private static Ed25519PrivateKeyParameters newKey() {
    Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
    generator.init(new Ed25519KeyGenerationParameters(RANDOM));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return (Ed25519PrivateKeyParameters) pair.getPrivate();
  }
}
