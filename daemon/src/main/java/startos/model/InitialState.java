package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The document a new server starts from, before setup: the public shape StartOS 0.4 clients read
 * and the private containers every later writer expects. {@link #ensure} adds only what is absent,
 * so a started database is never overwritten (nor a field an earlier startd did not know).
 */
public final class InitialState {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private InitialState() {}

  /**
   * {@code serverInfo} before setup: identity fields are empty until {@code setup.execute}, nothing
   * is under way, and what startd does not manage (Wi-Fi, zram, kiosk...) is off or unset.
   */
  public static ServerInfo serverInfo(String version, String packageVersionCompat, long ramBytes) {
    return new ServerInfo(
        "",
        "",
        "",
        version,
        packageVersionCompat,
        Map.of(),
        Optional.empty(),
        network(),
        ServerStatus.IDLE,
        0,
        "",
        "",
        false,
        // a setting StartOS applies at boot; startd does not set up compressed swap
        false,
        Optional.empty(),
        Optional.empty(),
        List.of("https://ipconfig.io/", "https://ifconfig.co/"),
        ramBytes,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static NetworkInfo network() {
    return new NetworkInfo(
        NetworkInfo.Wifi.NONE,
        osUiHost(),
        Map.of(),
        Map.of("letsencrypt", new NetworkInfo.Acme(List.of())),
        new NetworkInfo.Dns(List.of(), Optional.empty()),
        Optional.empty(),
        List.of());
  }

  /** The OS UI's own host: internal port 80, served with TLS on 443 (h2 and http/1.1). */
  private static Host osUiHost() {
    ObjectNode alpn = NODES.objectNode();
    alpn.putArray("specified").add("h2").add("http/1.1");
    AddSslOptions ssl =
        new AddSslOptions(443, false, Optional.of(alpn), Optional.empty(), Optional.empty());
    BindInfo bind =
        new BindInfo(
            false,
            new BindOptions(80, Optional.of(ssl), Optional.empty()),
            new NetInfo(Optional.empty(), Optional.of(443)),
            DerivedAddressInfo.NONE,
            Map.of());
    return Host.empty().withBindings(Map.of(80, bind));
  }

  /**
   * Adds whatever part of the initial document is missing, field by field, in one revision: {@code
   * serverInfo}'s fields from {@code serverInfo}, the UI's defaults, and the private containers.
   *
   * @return true when something was added
   */
  public static boolean ensure(Database db, ServerInfo serverInfo) {
    JsonNode info = ModelJson.encode(serverInfo);
    return db.patchDb()
        .mutate(root -> {
          boolean changed = false;
          ObjectNode pub = object(root, "public");
          changed |= fillMissing(pub, publicSkeleton());
          changed |= fillMissing(object(pub, "serverInfo"), (ObjectNode) info);
          changed |= fillMissing(object(root, "private"), privateSkeleton());
          return changed;
        })
        .result();
  }

  private static ObjectNode publicSkeleton() {
    ObjectNode pub = NODES.objectNode();
    pub.putObject("serverInfo");
    pub.putObject("packageData");
    ObjectNode ui = pub.putObject("ui");
    ObjectNode registries = ui.putObject("registries");
    registries.put("https://registry.start9.com/", "Start9 Registry");
    registries.put("https://community-registry.start9.com/", "Community Registry");
    ui.put("startosRegistry", "https://registry.start9.com/");
    ui.put("snakeHighScore", 0);
    ui.putObject("hiddenUpdates");
    return pub;
  }

  private static ObjectNode privateSkeleton() {
    ObjectNode priv = NODES.objectNode();
    ObjectNode keyStore = priv.putObject("keyStore");
    keyStore.putObject("localCerts");
    ObjectNode acme = keyStore.putObject("acme");
    acme.putObject("accounts");
    acme.putObject("certs");
    priv.put("password", "");
    priv.putArray("authPubkeys");
    priv.putObject("sshPubkeys");
    priv.putObject("availablePorts");
    priv.putObject("sessions");
    priv.putObject("notifications");
    priv.putObject("cifs");
    priv.putObject("packageStores");
    return priv;
  }

  /** Copies fields of {@code defaults} that {@code target} lacks; returns whether any were. */
  private static boolean fillMissing(ObjectNode target, ObjectNode defaults) {
    boolean changed = false;
    for (Map.Entry<String, JsonNode> field : defaults.properties()) {
      if (!target.has(field.getKey())) {
        target.set(field.getKey(), field.getValue().deepCopy());
        changed = true;
      }
    }
    return changed;
  }

  /** The object at {@code field}, created (replacing a non-object) when needed. */
  private static ObjectNode object(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
  }
}
