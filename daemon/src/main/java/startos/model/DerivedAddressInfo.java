package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
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
}
