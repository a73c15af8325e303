package startos.effects;

import static startos.effects.EffectParams.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;
import startos.rpc.ProtocolException;

/**
 * Params of {@code get-ssl-certificate} and {@code get-ssl-key}, as the SDK's {@code
 * T.GetSslCertificateParams} and {@code T.GetSslKeyParams}. From the package (untrusted): the names
 * are checked against the package's own afterwards ({@link CertificateNames}).
 */
final class SslParams {
  /** Most names one certificate holds. */
  static final int MAX_HOSTNAMES = 64;

  private SslParams() {}

  /** {@code T.Algorithm}; ECDSA (P-256) when absent, as StartOS. */
  enum Algorithm {
    @JsonProperty("ecdsa")
    ECDSA,
    @JsonProperty("ed25519")
    ED25519;

    String wire() {
      return EffectParams.wireName(this);
    }
  }

  /** {@code T.GetSslCertificateParams}. */
  record GetSslCertificateParams(
      List<String> hostnames, Optional<Algorithm> algorithm, Optional<Long> callback) {
    GetSslCertificateParams {
      hostnames = checked(hostnames);
    }
  }

  /** {@code T.GetSslKeyParams}. */
  record GetSslKeyParams(List<String> hostnames, Optional<Algorithm> algorithm) {
    GetSslKeyParams {
      hostnames = checked(hostnames);
    }
  }

  private static List<String> checked(List<String> hostnames) {
    // an empty list is allowed, as in StartOS: packages ask for a leaf naming nothing to read the
    // root certificate from its chain
    required(hostnames, "hostnames", "an array");
    if (hostnames.size() > MAX_HOSTNAMES) {
      throw ProtocolException.invalidParams(
          "parameter 'hostnames' lists "
              + hostnames.size()
              + " names; a certificate holds at most "
              + MAX_HOSTNAMES);
    }
    if (hostnames.contains(null)) {
      throw ProtocolException.invalidParams("parameter 'hostnames' must hold strings, not null");
    }
    return List.copyOf(hostnames);
  }
}
