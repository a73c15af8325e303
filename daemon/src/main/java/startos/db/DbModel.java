package startos.db;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.s9pk.manifest.Manifest;

/**
 * The shape a document must keep after {@code db.apply}: StartOS deserializes the result into its
 * typed model and refuses what does not fit; this checks the parts startd relies on. The root holds
 * exactly {@code public} and {@code private}; {@code public} holds exactly {@code serverInfo},
 * {@code packageData} and {@code ui}; {@code serverInfo} holds only StartOS's public fields (no
 * password hash: private data never goes public); every {@code packageData} key is a valid package
 * id, since startd turns those keys into paths.
 */
final class DbModel {
  /** StartOS 0.4's {@code ServerInfo} (osBindings), the fields a client may see. */
  static final Set<String> SERVER_INFO_FIELDS =
      Set.of(
          "id",
          "name",
          "hostname",
          "version",
          "packageVersionCompat",
          "postInitMigrationTodos",
          "lastBackup",
          "network",
          "statusInfo",
          "unreadNotificationCount",
          "pubkey",
          "caFingerprint",
          "ntpSynced",
          "zram",
          "governor",
          "smtp",
          "echoipUrls",
          "ram",
          "devices",
          "kiosk",
          "language",
          "keyboard");

  private static final List<String> ROOT = List.of("private", "public");
  private static final List<String> PUBLIC = List.of("packageData", "serverInfo", "ui");

  private DbModel() {}

  /**
   * @throws RpcException Deserialization (12) naming the first thing that does not fit
   */
  static void check(JsonNode root) {
    exactly(root, "the document", ROOT);
    if (!root.get("private").isObject()) {
      throw misfit("/private must be an object");
    }
    JsonNode pub = root.get("public");
    exactly(pub, "/public", PUBLIC);
    JsonNode info = pub.get("serverInfo");
    if (!info.isObject()) {
      throw misfit("/public/serverInfo must be an object");
    }
    for (Map.Entry<String, JsonNode> field : info.properties()) {
      if (!SERVER_INFO_FIELDS.contains(field.getKey())) {
        throw misfit(
            "/public/serverInfo has no field '%s' in StartOS's model".formatted(field.getKey()));
      }
    }
    JsonNode packages = pub.get("packageData");
    if (!packages.isObject()) {
      throw misfit("/public/packageData must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : packages.properties()) {
      if (!Manifest.ID.matcher(entry.getKey()).matches()) {
        throw misfit(
            "/public/packageData key '%s' is not a package id (lower-case letters, digits and single dashes)"
                .formatted(entry.getKey()));
      }
      if (!entry.getValue().isObject()) {
        throw misfit("/public/packageData/%s must be an object".formatted(entry.getKey()));
      }
    }
  }

  private static void exactly(JsonNode node, String what, List<String> names) {
    if (!node.isObject()) {
      throw misfit(what + " must be an object");
    }
    for (String name : names) {
      if (!node.has(name)) {
        throw misfit("%s must keep '%s'".formatted(what, name));
      }
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!names.contains(field.getKey())) {
        throw misfit("%s has no field '%s' in StartOS's model".formatted(what, field.getKey()));
      }
    }
  }

  private static RpcException misfit(String why) {
    return new RpcException(
        ErrorKind.DESERIALIZATION,
        "the result does not match the database model (nothing changed): " + why);
  }
}
