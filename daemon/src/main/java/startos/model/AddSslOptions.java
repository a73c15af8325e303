package startos.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * TLS termination asked for a port ({@code T.AddSslOptions}). Only StartOS's fields: what else the
 * SDK sends ({@code scheme}) is dropped on decoding, as StartOS does.
 *
 * @param alpn {@code T.AlpnInfo} as JSON; empty: none
 * @param upstreamCertValidation optional in StartOS's type: absent, never null, when unset
 * @param auth {@code T.ProxyAuth} as JSON; empty: none
 */
public record AddSslOptions(
    int preferredExternalPort,
    boolean addXForwardedHeaders,
    Optional<JsonNode> alpn,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<JsonNode> upstreamCertValidation,
    Optional<JsonNode> auth) {
  public AddSslOptions {
    alpn = ModelJson.tree(alpn);
    upstreamCertValidation = ModelJson.tree(upstreamCertValidation);
    auth = ModelJson.tree(auth);
  }
}
