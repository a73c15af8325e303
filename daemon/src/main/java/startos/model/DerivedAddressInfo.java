package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A binding's addresses ({@code T.DerivedAddressInfo}): the user's overrides and what is computed.
 * {@code available} stays empty until the networking layer computes addresses.
 *
 * @param disabled {@code [hostname, port]} pairs, as JSON
 * @param available {@code T.HostnameInfo}s, as JSON
 */
public record DerivedAddressInfo(
    List<String> enabled, List<JsonNode> disabled, List<String> guaWan, List<JsonNode> available) {
  /** No override, nothing opened to the WAN, nothing computed yet. */
  public static final DerivedAddressInfo NONE =
      new DerivedAddressInfo(List.of(), List.of(), List.of(), List.of());

  public DerivedAddressInfo {
    enabled = ModelJson.list(enabled);
    disabled = ModelJson.list(disabled);
    guaWan = ModelJson.list(guaWan);
    available = ModelJson.list(available);
  }

  /**
   * The names {@code available} lists: a {@code T.HostnameInfo}'s {@code hostname} given as text or
   * as {@code {value, subdomain?}} (the value, and the subdomain under it), in order. What is
   * neither is skipped.
   */
  public List<String> availableNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode a : available) {
      JsonNode hostname = a.has("hostname") ? a.path("hostname") : a;
      if (hostname.isTextual()) {
        names.add(hostname.asText());
      } else if (hostname.path("value").isTextual()) {
        String value = hostname.path("value").asText();
        names.add(value);
        if (hostname.path("subdomain").isTextual()) {
          names.add(hostname.path("subdomain").asText() + "." + value);
        }
      }
    }
    return names;
  }
}
