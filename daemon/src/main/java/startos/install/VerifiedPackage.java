package startos.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.merkle.S9pkArchive;

/**
 * An archive whose signature, hashes and manifest passed every check for this machine.
 *
 * @param manifestJson the manifest as stored in the database
 * @param developerKey the signer's public key as PEM
 * @param icon the icon as a data URL
 */
public record VerifiedPackage(
    java.nio.file.Path file,
    S9pkArchive archive,
    Manifest manifest,
    ObjectNode manifestJson,
    String developerKey,
    String icon,
    String imageArch) {
  public VerifiedPackage {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(manifest, "manifest");
  }

  public String id() {
    return manifest.id();
  }

  public String version() {
    return manifest.version();
  }
}
