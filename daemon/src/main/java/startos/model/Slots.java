package startos.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;

/**
 * The places in the document outside the typed public entries: mostly {@code /private}, data that
 * never leaves the server (db.dump and db.subscribe refuse pointers outside {@code /public}), and
 * the UI's free-form data. StartOS's private model has no SDK type; the shapes here are startd's
 * own. Slots typed as JSON trees are read by the feature that owns them and are to become records.
 */
public final class Slots {
  /** The admin password's hash (PHC string); "" before setup. */
  public static final Slot<String> PASSWORD = Slot.of("/private/password", String.class, "");

  /** Whether {@code setup.complete} ran: the server then serves the main UI, not setup. */
  public static final Slot<Boolean> SETUP_COMPLETE =
      Slot.of("/private/setupComplete", Boolean.class, false);

  /** The server's SSH identity (OpenSSH PEM), made by {@code setup.execute}; "" before. */
  public static final Slot<String> SSH_PRIVKEY = Slot.of("/private/sshPrivkey", String.class, "");

  /** The server's developer key (PEM), which signs packages packed on this server. */
  public static final Slot<String> DEVELOPER_KEY =
      Slot.of("/private/developerKey", String.class, "");

  /** Logged-in sessions by hashed token (owned by {@code startos.auth.Sessions}). */
  public static final Slot<Map<String, Session>> SESSIONS =
      Slot.of("/private/sessions", new TypeReference<Map<String, Session>>() {}, Map.of());

  /**
   * Notifications by id, a decimal integer counting up from 0 (owned by {@code
   * startos.notification.Notifications}).
   */
  public static final Slot<Map<String, Notification>> NOTIFICATIONS =
      Slot.of(
          "/private/notifications", new TypeReference<Map<String, Notification>>() {}, Map.of());

  /** The local root CA and issued leaves (owned by {@code startos.ssl.CertStore}). */
  public static final Slot<JsonNode> LOCAL_CERTS =
      Slot.of("/private/keyStore/localCerts", JsonNode.class, NullNode.getInstance());

  /** External ports in use, to whether they serve TLS (owned by the port allocator). */
  public static final Slot<Map<String, Boolean>> AVAILABLE_PORTS =
      Slot.of("/private/availablePorts", new TypeReference<Map<String, Boolean>>() {}, Map.of());

  /** Each package's data version ({@code set-data-version}), by package id. */
  public static final Slot<Map<String, String>> DATA_VERSIONS =
      Slot.of("/private/dataVersions", new TypeReference<Map<String, String>>() {}, Map.of());

  /** Volumes a soft uninstall kept, by package id, until a reinstall adopts or drops them. */
  public static final Slot<Map<String, KeptVolumes>> KEPT_VOLUMES =
      Slot.of("/private/keptVolumes", new TypeReference<Map<String, KeptVolumes>>() {}, Map.of());

  /** Limits the admin set per service ({@code package.set-limits}), by package id. */
  public static final Slot<Map<String, ServiceLimits>> SERVICE_LIMITS =
      Slot.of(
          "/private/serviceLimits", new TypeReference<Map<String, ServiceLimits>>() {}, Map.of());

  /** Each package's store ({@code store.get/set}), free-form JSON by package id. */
  public static final Slot<Map<String, JsonNode>> PACKAGE_STORES =
      Slot.of("/private/packageStores", new TypeReference<Map<String, JsonNode>>() {}, Map.of());

  /**
   * The system SMTP password ({@code server.set-smtp}; "" when none), kept out of {@code
   * serverInfo.smtp} (owned by {@code startos.smtp.SmtpSettings}).
   */
  public static final Slot<String> SMTP_PASSWORD =
      Slot.of("/private/smtpPassword", String.class, "");

  /** The UI's own data ({@code db.put.ui}), free-form: {@code T.Public.ui} is {@code unknown}. */
  public static final Slot<JsonNode> UI =
      Slot.of("/public/ui", JsonNode.class, NullNode.getInstance());

  private Slots() {}
}
