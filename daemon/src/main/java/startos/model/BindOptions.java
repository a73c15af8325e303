package startos.model;

import java.util.Optional;

/**
 * How a package asked to expose a port ({@code T.BindOptions}).
 *
 * @param addSsl terminate TLS for it on {@code addSsl.preferredExternalPort}; empty: no TLS port
 * @param secure the protocol is secure without TLS ({@code {ssl}}); empty: not declared
 */
public record BindOptions(
    int preferredExternalPort, Optional<AddSslOptions> addSsl, Optional<Security> secure) {
  public BindOptions {
    addSsl = addSsl == null ? Optional.empty() : addSsl;
    secure = secure == null ? Optional.empty() : secure;
  }

  /** {@code T.Security}. */
  public record Security(boolean ssl) {}
}
