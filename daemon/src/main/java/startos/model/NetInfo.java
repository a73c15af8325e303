package startos.model;

import java.util.Optional;

/** The external ports a binding got ({@code T.NetInfo}); empty: that kind of port is not served. */
public record NetInfo(Optional<Integer> assignedPort, Optional<Integer> assignedSslPort) {
  public NetInfo {
    assignedPort = assignedPort == null ? Optional.empty() : assignedPort;
    assignedSslPort = assignedSslPort == null ? Optional.empty() : assignedSslPort;
  }
}
