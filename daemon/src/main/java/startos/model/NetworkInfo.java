package startos.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's networking ({@code T.NetworkInfo}).
 *
 * @param host the OS UI's own host
 * @param gateways {@code T.NetworkInterfaceInfo} by gateway id, as JSON (not detected yet: empty)
 * @param acme ACME settings by provider URL or name
 * @param defaultOutbound the gateway outbound traffic leaves through; empty: the system's route
 * @param passthroughs {@code T.PassthroughInfo}s as JSON (none yet)
 */
public record NetworkInfo(
    Wifi wifi,
    Host host,
    Map<String, JsonNode> gateways,
    Map<String, Acme> acme,
    Dns dns,
    Optional<String> defaultOutbound,
    List<JsonNode> passthroughs) {

  public NetworkInfo {
    gateways = ModelJson.map(gateways);
    acme = ModelJson.map(acme);
    defaultOutbound = defaultOutbound == null ? Optional.empty() : defaultOutbound;
    passthroughs = ModelJson.list(passthroughs);
  }

  public NetworkInfo withHost(Host v) {
    return new NetworkInfo(wifi, v, gateways, acme, dns, defaultOutbound, passthroughs);
  }

  /** {@code T.WifiInfo}: startd manages no Wi-Fi, so it stays disabled and empty. */
  public record Wifi(
      boolean enabled,
      // "interface" is a Java keyword
      @JsonProperty("interface") Optional<String> interfaceName,
      List<String> ssids,
      Optional<String> selected,
      Optional<String> lastRegion) {
    public static final Wifi NONE =
        new Wifi(false, Optional.empty(), List.of(), Optional.empty(), Optional.empty());

    public Wifi {
      interfaceName = interfaceName == null ? Optional.empty() : interfaceName;
      ssids = ModelJson.list(ssids);
      selected = selected == null ? Optional.empty() : selected;
      lastRegion = lastRegion == null ? Optional.empty() : lastRegion;
    }
  }

  /** {@code T.AcmeSettings}. */
  public record Acme(List<String> contact) {
    public Acme {
      contact = ModelJson.list(contact);
    }
  }

  /** {@code T.DnsSettings}; {@code staticServers} empty: use the DHCP-provided ones. */
  public record Dns(List<String> dhcpServers, Optional<List<String>> staticServers) {
    public Dns {
      dhcpServers = ModelJson.list(dhcpServers);
      staticServers = staticServers == null ? Optional.empty() : staticServers;
    }
  }
}
