package startos.model;

import java.time.Instant;
import java.util.Optional;

/**
 * What a soft uninstall remembers about the volumes it kept: a reinstall adopts them only from the
 * same signer.
 *
 * @param version the uninstalled version (exver)
 * @param dataVersion its data version; empty: it never set one
 */
public record KeptVolumes(
    String developerKey, String version, Optional<String> dataVersion, Instant keptAt) {
  public KeptVolumes {
    dataVersion = dataVersion == null ? Optional.empty() : dataVersion;
  }
}
