package startos.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * The local certificate authority ({@code /private/keyStore/localCerts}): the root and intermediate
 * made by {@code setup.execute}, and the leaves {@code startos.ssl.CertStore} issued to packages.
 * Written only by startd. The PEMs are absent before setup.
 *
 * @param packageLeaves the leaves issued to each package (by owner, then by the names they cover),
 *     kept as JSON: {@code CertStore} reads and writes them
 */
public record LocalCerts(
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> rootKey,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> rootCert,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> intKey,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> intCert,
    Map<String, JsonNode> packageLeaves) {
  public LocalCerts {
    rootKey = rootKey == null ? Optional.empty() : rootKey;
    rootCert = rootCert == null ? Optional.empty() : rootCert;
    intKey = intKey == null ? Optional.empty() : intKey;
    intCert = intCert == null ? Optional.empty() : intCert;
    packageLeaves = ModelJson.map(packageLeaves);
  }

  /** Before setup: no authority yet. */
  public static final LocalCerts NONE =
      new LocalCerts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), null);

  /** A new authority (root and intermediate, as PEM) that has issued nothing yet. */
  public static LocalCerts of(String rootKey, String rootCert, String intKey, String intCert) {
    return new LocalCerts(
        Optional.of(rootKey),
        Optional.of(rootCert),
        Optional.of(intKey),
        Optional.of(intCert),
        Map.of());
  }
}
