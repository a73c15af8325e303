package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/** Where a package lives in the database ({@code /public/packageData/<id>}) and small helpers. */
public final class PackageData {
  private PackageData() {}

  public static String pointer(String packageId) {
    return "/public/packageData/" + packageId;
  }

  /** The package's entry in a root being mutated, if it exists. */
  public static Optional<ObjectNode> entry(ObjectNode root, String packageId) {
    JsonNode e = root.path("public").path("packageData").path(packageId);
    return e instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
  }

  /** The entry, or a Not Found error naming the package. */
  public static ObjectNode require(ObjectNode root, String packageId) {
    return entry(root, packageId)
        .orElseThrow(() ->
            new RpcException(ErrorKind.NOT_FOUND, "package " + packageId + " is not installed"));
  }

  /** {@code /public/packageData}, created when missing. */
  public static ObjectNode all(ObjectNode root) {
    return object(object(root, "public"), "packageData");
  }

  /** The child object {@code name}, replacing a missing or non-object value by {}. */
  public static ObjectNode object(ObjectNode parent, String name) {
    JsonNode child = parent.get(name);
    if (child instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(name);
  }

  /** The state word of an entry ({@code installing}, {@code installed}, ...). */
  public static String state(JsonNode entry) {
    return entry.path("stateInfo").path("state").asText("");
  }

  /** The manifest in whatever state the entry is. */
  public static Optional<JsonNode> manifest(JsonNode entry) {
    JsonNode info = entry.path("stateInfo");
    if (info.hasNonNull("manifest")) {
      return Optional.of(info.get("manifest"));
    }
    JsonNode installing = info.path("installingInfo").path("newManifest");
    return installing.isMissingNode() || installing.isNull()
        ? Optional.empty()
        : Optional.of(installing);
  }
}
