package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Parts of a package entry whose shape StartOS's own types fix ({@code T.PackageDataEntry} in the
 * SDK, checked by {@code DbMatchesSdkTypesE2eTest}), and the upgrade of entries an earlier startd
 * wrote in another shape. Stateless.
 */
public final class EntryShape {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Where the data versions live: not in the public entry, which StartOS's type lacks. */
  public static final String DATA_VERSIONS = "/private/dataVersions";

  private EntryShape() {}

  /** {@code /private/dataVersions} in a root being mutated, created when missing. */
  public static ObjectNode dataVersions(ObjectNode root) {
    return PackageData.object(PackageData.object(root, "private"), "dataVersions");
  }

  /**
   * A binding's {@code addresses} ({@code DerivedAddressInfo}) before any address is known: no user
   * overrides, no IPv6 address opened to the WAN ({@code guaWan}) and none computed yet.
   */
  public static ObjectNode addresses() {
    ObjectNode addresses = NODES.objectNode();
    addresses.putArray("enabled");
    addresses.putArray("disabled");
    addresses.putArray("guaWan");
    addresses.putArray("available");
    return addresses;
  }

  /**
   * {@code plugin} ({@code PackagePlugin}): {@code url} stays null, the package registered no URL
   * plugin ({@code plugin.url.register} is not implemented yet).
   */
  public static ObjectNode plugin() {
    ObjectNode plugin = NODES.objectNode();
    plugin.putNull("url");
    return plugin;
  }

  /**
   * The {@code AddSslOptions} a package asked for in {@code bind}, with only StartOS's fields: the
   * SDK also sends fields of its own ({@code scheme}), which StartOS drops when it reads the
   * parameters. {@code given} comes from the package (untrusted) and is an object.
   */
  static ObjectNode addSsl(JsonNode given) {
    ObjectNode ssl = NODES.objectNode();
    ssl.put("preferredExternalPort", given.path("preferredExternalPort").asInt(443));
    ssl.put("addXForwardedHeaders", given.path("addXForwardedHeaders").asBoolean(false));
    ssl.set("alpn", given.path("alpn").isMissingNode() ? NODES.nullNode() : given.get("alpn"));
    // optional in StartOS's type: absent, never null, when the package chose none
    if (given.hasNonNull("upstreamCertValidation")) {
      ssl.set("upstreamCertValidation", given.get("upstreamCertValidation"));
    }
    ssl.set("auth", given.path("auth").isMissingNode() ? NODES.nullNode() : given.get("auth"));
    return ssl.deepCopy();
  }

  /** The {@code Security} a package asked for in {@code bind}: {@code {ssl}} only. */
  static ObjectNode secure(JsonNode given) {
    ObjectNode secure = NODES.objectNode();
    secure.put("ssl", given.path("ssl").asBoolean(false));
    return secure;
  }

  /**
   * The manifest as the database holds it: a dependency gives the source of its title and icon
   * ({@code MetadataSrc}); a packer that moved them into the archive ({@code
   * dependencies/<id>/metadata.json}, as StartOS's packer does) left neither, which is {@code s9pk:
   * null} (no archive to read them from).
   */
  public static ObjectNode dbManifest(ObjectNode manifest) {
    if (manifest.get("dependencies") instanceof ObjectNode deps) {
      for (Map.Entry<String, JsonNode> dep : deps.properties()) {
        if (dep.getValue() instanceof ObjectNode d && !d.has("metadata") && !d.has("s9pk")) {
          d.putNull("s9pk");
        }
      }
    }
    return manifest;
  }

  /**
   * Brings every entry an earlier startd wrote to the current shape: {@code guaAccess} became
   * {@code guaWan}, {@code addSsl} and {@code secure} lose fields StartOS does not have, a missing
   * {@code plugin} is added, an error's null {@code debug} becomes "" (no debug text), manifests
   * name their dependencies' metadata source, and the data version moves from the public entry to
   * {@link #DATA_VERSIONS} (unless one is there already).
   *
   * @return whether anything changed
   */
  public static boolean upgrade(ObjectNode root) {
    boolean changed = false;
    for (Map.Entry<String, JsonNode> e : PackageData.all(root).properties()) {
      if (e.getValue() instanceof ObjectNode entry) {
        changed |= upgradeEntry(root, e.getKey(), entry);
      }
    }
    return changed;
  }

  private static boolean upgradeEntry(ObjectNode root, String id, ObjectNode entry) {
    String before = entry.toString();
    if (entry.has("dataVersion")) {
      JsonNode version = entry.remove("dataVersion");
      ObjectNode versions = dataVersions(root);
      if (!versions.has(id)) {
        versions.set(id, version);
      }
    }
    if (!entry.has("plugin")) {
      entry.set("plugin", plugin());
    }
    if (entry.at("/statusInfo/error") instanceof ObjectNode error) {
      if (!error.path("debug").isTextual()) {
        error.put("debug", "");
      }
      if (!error.path("details").isTextual()) {
        error.put("details", "");
      }
    }
    JsonNode state = entry.path("stateInfo");
    for (JsonNode manifest :
        new JsonNode[] {state.get("manifest"), state.at("/installingInfo/newManifest")}) {
      if (manifest instanceof ObjectNode m) {
        dbManifest(m);
      }
    }
    for (JsonNode host : entry.path("hosts")) {
      upgradeHost(host);
    }
    return !before.equals(entry.toString());
  }

  /** A host ({@code T.Host}) an earlier startd wrote, brought to the current shape in place. */
  public static void upgradeHost(JsonNode host) {
    for (JsonNode binding : host.path("bindings")) {
      if (binding.get("addresses") instanceof ObjectNode addresses && addresses.has("guaAccess")) {
        addresses.remove("guaAccess");
        if (!addresses.has("guaWan")) {
          addresses.putArray("guaWan");
        }
      }
      if (binding.get("options") instanceof ObjectNode options) {
        if (options.get("addSsl") instanceof ObjectNode ssl) {
          options.set("addSsl", addSsl(ssl));
        }
        if (options.get("secure") instanceof ObjectNode secure) {
          options.set("secure", secure(secure));
        }
      }
    }
  }
}
