package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The upgrade, at boot, of a document an earlier startd wrote in shapes other than StartOS's: the
 * one place outside the records that reads raw database JSON, because what it reads does not fit
 * the records yet. Stateless.
 */
public final class LegacyShapes {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LegacyShapes() {}

  /**
   * Brings the OS UI's host and every package entry to the current shape: {@code guaAccess} became
   * {@code guaWan}, {@code addSsl} and {@code secure} lose fields StartOS does not have, a missing
   * {@code plugin} is added, an error's null {@code debug} becomes "" (no debug text), manifests
   * name their dependencies' metadata source, and the data version moves from the public entry to
   * {@link Slots#DATA_VERSIONS} (unless one is there already).
   *
   * @param root the whole document, inside a {@link startos.patchdb.PatchDb#mutate} change
   * @return whether anything changed
   */
  public static boolean upgrade(ObjectNode root) {
    boolean changed = false;
    JsonNode serverHost = root.at(Paths.SERVER_INFO + "/network/host");
    String before = serverHost.toString();
    upgradeHost(serverHost);
    changed |= !before.equals(serverHost.toString());
    if (root.at(Paths.PACKAGE_DATA) instanceof ObjectNode all) {
      for (Map.Entry<String, JsonNode> e : all.properties()) {
        if (e.getValue() instanceof ObjectNode entry) {
          changed |= upgradeEntry(root, e.getKey(), entry);
        }
      }
    }
    return changed;
  }

  /**
   * The manifest as the database holds it: a dependency gives the source of its title and icon
   * ({@code MetadataSrc}); a packer that moved them into the archive ({@code
   * dependencies/<id>/metadata.json}, as StartOS's packer does) left neither, which is {@code s9pk:
   * null} (no archive to read them from). Changes {@code manifest} in place and returns it.
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

  private static boolean upgradeEntry(ObjectNode root, String id, ObjectNode entry) {
    String before = entry.toString();
    if (entry.has("dataVersion")) {
      JsonNode version = entry.remove("dataVersion");
      ObjectNode versions = objectAt(root, Slots.DATA_VERSIONS.pointer());
      if (!versions.has(id)) {
        versions.set(id, version);
      }
    }
    if (!entry.has("plugin")) {
      entry.set("plugin", ModelJson.encode(PackagePlugin.NONE));
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
  private static void upgradeHost(JsonNode host) {
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
          ObjectNode kept = NODES.objectNode();
          kept.put("ssl", secure.path("ssl").asBoolean(false));
          options.set("secure", kept);
        }
      }
    }
  }

  /** {@code AddSslOptions} with only StartOS's fields (earlier startd kept the SDK's too). */
  private static ObjectNode addSsl(JsonNode given) {
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

  /** The object at {@code pointer} (slash-separated plain names), created when missing. */
  private static ObjectNode objectAt(ObjectNode root, String pointer) {
    ObjectNode node = root;
    for (String name : pointer.substring(1).split("/")) {
      node = node.get(name) instanceof ObjectNode o ? o : node.putObject(name);
    }
    return node;
  }
}
