package startos.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import startos.effects.EntryShape;
import startos.model.LegacyShapes;
import startos.patchdb.PatchDb;

/**
 * The database shape StartOS 0.4 clients expect, filled in on first start before setup so the UI
 * and every later writer find their containers in place. Only absent fields are added: a started
 * database is never overwritten.
 */
public final class InitialDb {
  /** The OS version this daemon reports. */
  public static final String VERSION = "0.4.0";

  /** The package versions this OS can run ({@code serverInfo.packageVersionCompat}). */
  public static final String PACKAGE_VERSION_COMPAT = ">=0.3.0:0 && <=0.4.0:0";

  static final ObjectMapper JSON = new ObjectMapper();

  private InitialDb() {}

  /**
   * Adds whatever part of the initial shape is missing.
   *
   * @return true when something was added
   */
  public static boolean ensure(PatchDb db) {
    long ram = totalRamBytes(Path.of("/proc/meminfo"));
    return db.mutate(
            root -> {
              boolean changed = false;
              ObjectNode pub = object(root, "public");
              changed |= fillMissing(pub, publicSkeleton());
              changed |= fillMissing(object(pub, "serverInfo"), serverInfo(ram));
              changed |= fillMissing(object(root, "private"), privateSkeleton());
              return changed;
            })
        .result();
  }

  /**
   * What every daemon start does: {@link #ensure} the shape, then clear the status a previous run
   * may have left behind when it stopped mid-way (a backup or update in progress, shutting down)
   * and record this machine's RAM, so the UI never shows a stale spinner after a crash. Also drops
   * the {@code serverInfo.passwordHash} earlier versions published and brings what they wrote in
   * another shape to StartOS's ({@link LegacyShapes#upgrade}).
   */
  public static void boot(PatchDb db) {
    ensure(db);
    long ram = totalRamBytes(Path.of("/proc/meminfo"));
    db.mutate(root -> {
      ObjectNode info = object(object(root, "public"), "serverInfo");
      // earlier versions published the password hash here; /private/password holds it
      info.remove("passwordHash");
      ObjectNode status = object(info, "statusInfo");
      status.putNull("backupProgress");
      status.putNull("updateProgress");
      status.put("shuttingDown", false);
      status.put("restarting", false);
      status.putNull("restart");
      if (ram > 0) {
        info.put("ram", ram);
      }
      // earlier versions claimed zram, which startd never set up
      info.put("zram", false);
      // a database an earlier startd wrote, in the shape StartOS's types give
      LegacyShapes.upgrade(root);
      return null;
    });
  }

  /** {@code serverInfo} before setup: identity fields are empty until {@code setup.execute}. */
  static ObjectNode serverInfo(long ramBytes) {
    ObjectNode info = JSON.createObjectNode();
    info.put("id", "");
    info.put("name", "");
    info.put("hostname", "");
    info.put("version", VERSION);
    info.put("packageVersionCompat", PACKAGE_VERSION_COMPAT);
    info.putObject("postInitMigrationTodos");
    info.putNull("lastBackup");
    info.set("network", network());
    ObjectNode status = info.putObject("statusInfo");
    status.putNull("backupProgress");
    status.putNull("updateProgress");
    status.put("shuttingDown", false);
    status.put("restarting", false);
    status.putNull("restart");
    info.put("unreadNotificationCount", 0);
    info.put("pubkey", "");
    info.put("caFingerprint", "");
    info.put("ntpSynced", false);
    // a setting StartOS applies at boot; startd does not set up compressed swap
    info.put("zram", false);
    info.putNull("governor");
    info.putNull("smtp");
    info.putArray("echoipUrls").add("https://ipconfig.io/").add("https://ifconfig.co/");
    info.put("ram", ramBytes);
    info.putArray("devices");
    info.putNull("kiosk");
    info.putNull("language");
    info.putNull("keyboard");
    return info;
  }

  private static ObjectNode network() {
    ObjectNode network = JSON.createObjectNode();
    ObjectNode wifi = network.putObject("wifi");
    wifi.put("enabled", false);
    wifi.putNull("interface");
    wifi.putArray("ssids");
    wifi.putNull("selected");
    wifi.putNull("lastRegion");
    network.set("host", osUiHost());
    network.putObject("gateways");
    network.putObject("acme").putObject("letsencrypt").putArray("contact");
    ObjectNode dns = network.putObject("dns");
    dns.putArray("dhcpServers");
    dns.putNull("staticServers");
    network.putNull("defaultOutbound");
    network.putArray("passthroughs");
    return network;
  }

  /** The OS UI's own host: internal port 80, served with TLS on 443 (h2 and http/1.1). */
  private static ObjectNode osUiHost() {
    ObjectNode host = JSON.createObjectNode();
    ObjectNode bind = host.putObject("bindings").putObject("80");
    bind.put("enabled", false);
    ObjectNode options = bind.putObject("options");
    options.put("preferredExternalPort", 80);
    ObjectNode ssl = options.putObject("addSsl");
    ssl.put("preferredExternalPort", 443);
    ssl.put("addXForwardedHeaders", false);
    ssl.putObject("alpn").putArray("specified").add("h2").add("http/1.1");
    ssl.putNull("auth");
    options.putNull("secure");
    ObjectNode net = bind.putObject("net");
    net.putNull("assignedPort");
    net.put("assignedSslPort", 443);
    bind.set("addresses", EntryShape.addresses());
    bind.putObject("interfaces");
    host.putObject("bindingRanges");
    host.putObject("publicDomains");
    host.putObject("privateDomains");
    host.putArray("portForwards");
    return host;
  }

  private static ObjectNode publicSkeleton() {
    ObjectNode pub = JSON.createObjectNode();
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
    ObjectNode priv = JSON.createObjectNode();
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
  static boolean fillMissing(ObjectNode target, ObjectNode defaults) {
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
  static ObjectNode object(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  /** MemTotal in bytes, or 0 when /proc/meminfo cannot be read. */
  static long totalRamBytes(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux or a restricted sandbox: the UI shows unknown RAM
    }
    return 0;
  }
}
