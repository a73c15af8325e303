package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * {@code T.PackagePlugin}. {@code url} stays empty: registering a URL plugin ({@code
 * plugin.url.register}) is not implemented yet.
 */
public record PackagePlugin(Optional<JsonNode> url) {
  public static final PackagePlugin NONE = new PackagePlugin(Optional.empty());

  public PackagePlugin {
    url = ModelJson.tree(url);
  }
}
