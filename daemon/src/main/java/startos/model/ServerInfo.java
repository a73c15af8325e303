package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server as clients see it ({@code /public/serverInfo}, {@code T.ServerInfo}). Fields startd
 * cannot fill yet hold StartOS's "none" (listed in the README with their reasons).
 *
 * @param id, name, hostname empty until {@code setup.execute}
 * @param postInitMigrationTodos StartOS's post-update migrations still to run: always empty here
 * @param lastBackup when the last full backup finished; empty: never
 * @param governor the CPU frequency governor set by the user; empty: the kernel's default
 * @param smtp the system SMTP settings, with {@code password} always empty (it is private)
 * @param ram total memory in bytes; 0: unknown
 * @param devices {@code T.LshwDevice}s as JSON: not probed yet, so empty
 * @param kiosk whether a kiosk display runs; empty: this server has none
 * @param keyboard {@code T.KeyboardOptions} as JSON; empty: not set
 */
public record ServerInfo(
    String id,
    String name,
    String hostname,
    String version,
    String packageVersionCompat,
    Map<String, JsonNode> postInitMigrationTodos,
    Optional<String> lastBackup,
    NetworkInfo network,
    ServerStatus statusInfo,
    long unreadNotificationCount,
    String pubkey,
    String caFingerprint,
    boolean ntpSynced,
    boolean zram,
    Optional<String> governor,
    Optional<SmtpValue> smtp,
    List<String> echoipUrls,
    long ram,
    List<JsonNode> devices,
    Optional<Boolean> kiosk,
    Optional<String> language,
    Optional<JsonNode> keyboard) {

  public ServerInfo {
    postInitMigrationTodos = ModelJson.map(postInitMigrationTodos);
    lastBackup = lastBackup == null ? Optional.empty() : lastBackup;
    governor = governor == null ? Optional.empty() : governor;
    smtp = smtp == null ? Optional.empty() : smtp;
    echoipUrls = ModelJson.list(echoipUrls);
    devices = ModelJson.list(devices);
    kiosk = kiosk == null ? Optional.empty() : kiosk;
    language = language == null ? Optional.empty() : language;
    keyboard = ModelJson.tree(keyboard);
  }

  /** A copy whose named fields are replaced: see {@link Builder}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes a few of the 22 fields without spelling the others: {@code
   * info.toBuilder().name("x").build()}.
   */
  public static final class Builder {
    private String id;
    private String name;
    private String hostname;
    private String version;
    private String packageVersionCompat;
    private Map<String, JsonNode> postInitMigrationTodos;
    private Optional<String> lastBackup;
    private NetworkInfo network;
    private ServerStatus statusInfo;
    private long unreadNotificationCount;
    private String pubkey;
    private String caFingerprint;
    private boolean ntpSynced;
    private boolean zram;
    private Optional<String> governor;
    private Optional<SmtpValue> smtp;
    private List<String> echoipUrls;
    private long ram;
    private List<JsonNode> devices;
    private Optional<Boolean> kiosk;
    private Optional<String> language;
    private Optional<JsonNode> keyboard;

    private Builder(ServerInfo i) {
      id = i.id;
      name = i.name;
      hostname = i.hostname;
      version = i.version;
      packageVersionCompat = i.packageVersionCompat;
      postInitMigrationTodos = i.postInitMigrationTodos;
      lastBackup = i.lastBackup;
      network = i.network;
      statusInfo = i.statusInfo;
      unreadNotificationCount = i.unreadNotificationCount;
      pubkey = i.pubkey;
      caFingerprint = i.caFingerprint;
      ntpSynced = i.ntpSynced;
      zram = i.zram;
      governor = i.governor;
      smtp = i.smtp;
      echoipUrls = i.echoipUrls;
      ram = i.ram;
      devices = i.devices;
      kiosk = i.kiosk;
      language = i.language;
      keyboard = i.keyboard;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder hostname(String v) {
      hostname = v;
      return this;
    }

    public Builder version(String v) {
      version = v;
      return this;
    }

    public Builder packageVersionCompat(String v) {
      packageVersionCompat = v;
      return this;
    }

    public Builder lastBackup(Optional<String> v) {
      lastBackup = v;
      return this;
    }

    public Builder network(NetworkInfo v) {
      network = v;
      return this;
    }

    public Builder statusInfo(ServerStatus v) {
      statusInfo = v;
      return this;
    }

    public Builder unreadNotificationCount(long v) {
      unreadNotificationCount = v;
      return this;
    }

    public Builder pubkey(String v) {
      pubkey = v;
      return this;
    }

    public Builder caFingerprint(String v) {
      caFingerprint = v;
      return this;
    }

    public Builder ntpSynced(boolean v) {
      ntpSynced = v;
      return this;
    }

    public Builder zram(boolean v) {
      zram = v;
      return this;
    }

    public Builder smtp(Optional<SmtpValue> v) {
      smtp = v;
      return this;
    }

    public Builder ram(long v) {
      ram = v;
      return this;
    }

    public Builder kiosk(Optional<Boolean> v) {
      kiosk = v;
      return this;
    }

    public Builder language(Optional<String> v) {
      language = v;
      return this;
    }

    public ServerInfo build() {
      return new ServerInfo(
          id,
          name,
          hostname,
          version,
          packageVersionCompat,
          postInitMigrationTodos,
          lastBackup,
          network,
          statusInfo,
          unreadNotificationCount,
          pubkey,
          caFingerprint,
          ntpSynced,
          zram,
          governor,
          smtp,
          echoipUrls,
          ram,
          devices,
          kiosk,
          language,
          keyboard);
    }
  }
}
