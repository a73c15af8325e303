package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A host a package (or the OS UI) serves on ({@code T.Host}): its bindings by internal port, and
 * the domains and port forwards the networking layer adds.
 *
 * @param bindingRanges {@code T.RangeBindInfo} by first port, kept as JSON (no writer yet)
 * @param publicDomains {@code T.PublicDomainConfig} by domain, kept as JSON (no writer yet)
 * @param privateDomains the gateways each private domain is served on
 * @param portForwards computed {@code T.PortForward}s, kept as JSON (no writer yet)
 */
public record Host(
    Map<Integer, BindInfo> bindings,
    Map<String, JsonNode> bindingRanges,
    Map<String, JsonNode> publicDomains,
    Map<String, List<String>> privateDomains,
    List<JsonNode> portForwards) {

  public Host {
    bindings = ModelJson.map(bindings);
    bindingRanges = ModelJson.map(bindingRanges);
    publicDomains = ModelJson.map(publicDomains);
    privateDomains = ModelJson.map(privateDomains);
    portForwards = ModelJson.list(portForwards);
  }

  /** A host with no bindings yet. */
  public static Host empty() {
    return new Host(Map.of(), Map.of(), Map.of(), Map.of(), List.of());
  }

  public Host withBindings(Map<Integer, BindInfo> v) {
    return new Host(v, bindingRanges, publicDomains, privateDomains, portForwards);
  }
}
