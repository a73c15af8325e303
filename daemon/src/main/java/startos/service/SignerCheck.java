package startos.service;

import java.nio.file.Path;
import java.util.Optional;
import startos.install.Installer;
import startos.install.VerifiedPackage;
import startos.model.KeptVolumes;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.s9pk.merkle.VerifyingKey;

/**
 * Data safety at the door: a package may take over the data of an installed package (an update) or
 * of volumes a soft uninstall kept (a reinstall) only when the same developer key signed it, unless
 * the user allowed the change ({@link KeyChange}). The archive's signature is checked by {@link
 * Installer}; the key it is compared with is startd's record (the entry's {@code developerKey} or
 * the kept-volumes record), never the package's word.
 *
 * <p>Threads: stateless; reads one snapshot of the database per check. The install holds the
 * package's lock while it checks; a sideload checks before its upload ends, without it (the install
 * checks again under the lock).
 */
final class SignerCheck {
  private final Installer installer;
  private final InstallEntries entries;

  SignerCheck(Installer installer, InstallEntries entries) {
    this.installer = installer;
    this.entries = entries;
  }

  /**
   * Refuses a package whose signer differs from the one of the package whose data it would take
   * over (the installed version, or the volumes a soft uninstall kept), unless the user allowed the
   * change.
   */
  void check(VerifiedPackage pkg, KeyChange keyChange) {
    check(pkg.id(), pkg.version(), pkg.developerKey(), keyChange);
  }

  /**
   * As {@link #check(VerifiedPackage, KeyChange)} for an archive whose signature is checked but
   * whose files are not hashed yet: a sideload answers its upload with the refusal, whole.
   */
  void check(Path file, KeyChange keyChange) {
    Installer.Signed signed;
    try {
      signed = installer.signed(file);
    } catch (RpcException e) {
      return; // not readable as an S9PK: the install's verification says so, as for any upload
    }
    check(signed.id(), signed.version(), signed.developerKey(), keyChange);
  }

  private void check(String id, String version, String developerKey, KeyChange keyChange) {
    Optional<String> installed = entries.developerKey(id);
    Optional<String> kept = entries.keptVolumes(id).map(KeptVolumes::developerKey);
    Optional<String> recorded = installed.or(() -> kept);
    if (recorded.isEmpty() || keyChange == KeyChange.ALLOW) {
      return;
    }
    String whose =
        installed.isPresent()
            ? "the installed " + id
            : "the " + id + " whose volumes were kept by a soft uninstall";
    String signer = fingerprint(developerKey).orElse("an unreadable key");
    Optional<String> trusted = fingerprint(recorded.get());
    if (trusted.isPresent() && trusted.get().equals(signer)) {
      return;
    }
    throw new RpcException(
        ErrorKind.INVALID_SIGNATURE,
        "refusing "
            + id
            + " "
            + version
            + ": it is signed by developer key "
            + signer
            + ", but "
            + whose
            + " was signed by "
            + trusted.orElse("an unrecorded key")
            + "; another developer would take over its data. Install it only if you trust the new"
            + " signer, with --allow-key-change (start-cli package install) or allowKeyChange: true");
  }

  /** {@code ed25519:<hex of the public key>}, or empty when {@code pem} is not an Ed25519 key. */
  static Optional<String> fingerprint(String pem) {
    try {
      return Optional.of("ed25519:" + VerifyingKey.fromPem(pem).hex());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
