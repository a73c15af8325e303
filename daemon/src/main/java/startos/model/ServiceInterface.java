package startos.model;

import java.util.Optional;

/**
 * An interface a package exported on a binding ({@code T.ServiceInterface}).
 *
 * @param type {@code ui}, {@code api} or {@code p2p}
 */
public record ServiceInterface(
    String id,
    String name,
    String description,
    boolean masked,
    AddressInfo addressInfo,
    String type) {

  /** Where the interface is reached ({@code T.AddressInfo}). */
  public record AddressInfo(
      Optional<String> username,
      String hostId,
      int internalPort,
      Optional<String> scheme,
      Optional<String> sslScheme,
      String suffix) {
    public AddressInfo {
      username = username == null ? Optional.empty() : username;
      scheme = scheme == null ? Optional.empty() : scheme;
      sslScheme = sslScheme == null ? Optional.empty() : sslScheme;
      suffix = suffix == null ? "" : suffix;
    }
  }
}
