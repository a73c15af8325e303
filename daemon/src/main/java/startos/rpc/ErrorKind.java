package startos.rpc;

/**
 * StartOS error kinds: the numeric JSON-RPC error code and its human meaning, as the StartOS UI and
 * CLI expect them on the wire ({@code error.code} and {@code error.message}).
 */
public enum ErrorKind {
  UNKNOWN(1, "Unknown Error"),
  FILESYSTEM(2, "Filesystem I/O Error"),
  DOCKER(3, "Docker Error"),
  CONFIG_SPEC_VIOLATION(4, "Config Spec Violation"),
  CONFIG_RULES_VIOLATION(5, "Config Rules Violation"),
  NOT_FOUND(6, "Not Found"),
  INCORRECT_PASSWORD(7, "Incorrect Password"),
  VERSION_INCOMPATIBLE(8, "Version Incompatible"),
  NETWORK(9, "Network Error"),
  REGISTRY(10, "Registry Error"),
  SERIALIZATION(11, "Serialization Error"),
  DESERIALIZATION(12, "Deserialization Error"),
  UTF8(13, "UTF-8 Parse Error"),
  PARSE_VERSION(14, "Version Parsing Error"),
  INCORRECT_DISK(15, "Incorrect Disk"),
  DEPENDENCY(17, "Dependency Error"),
  PARSE_S9PK(18, "S9PK Parsing Error"),
  PARSE_URL(19, "URL Parsing Error"),
  DISK_NOT_AVAILABLE(20, "Disk Not Available"),
  BLOCK_DEVICE(21, "Block Device Error"),
  PACK(23, "Pack Error"),
  VALIDATE_S9PK(24, "S9PK Validation Error"),
  DISK_CORRUPTED(25, "Disk Corrupted"),
  CONFIG_GEN(27, "Config Generation Error"),
  PARSE_NUMBER(28, "Number Parsing Error"),
  DATABASE(29, "Database Error"),
  INVALID_ID(30, "Invalid ID"),
  INVALID_SIGNATURE(31, "Invalid Signature"),
  BACKUP(32, "Backup Error"),
  RESTORE(33, "Restore Error"),
  AUTHORIZATION(34, "Unauthorized"),
  AUTO_CONFIGURE(35, "Auto-Configure Error"),
  ACTION(36, "Action Failed"),
  RATE_LIMITED(37, "Rate Limited"),
  INVALID_REQUEST(38, "Invalid Request"),
  MIGRATION_FAILED(39, "Migration Failed"),
  UNINITIALIZED(40, "Uninitialized"),
  PARSE_NET_ADDRESS(41, "Net Address Parsing Error"),
  PARSE_SSH_KEY(42, "SSH Key Parsing Error"),
  SOUND_ERROR(43, "Sound Interface Error"),
  PARSE_TIMESTAMP(44, "Timestamp Parsing Error"),
  PARSE_SYS_INFO(45, "System Info Parsing Error"),
  WIFI(46, "WiFi Internal Error"),
  JOURNALD(47, "Journald Error"),
  DISK_MANAGEMENT(48, "Disk Management Error"),
  OPEN_SSL(49, "OpenSSL Internal Error"),
  PASSWORD_HASH_GENERATION(50, "Password Hash Generation Error"),
  DIAGNOSTIC_MODE(51, "Server is in Diagnostic Mode"),
  PARSE_DB_FIELD(52, "Database Field Parse Error"),
  DUPLICATE(53, "Duplication Error"),
  MULTIPLE_ERRORS(54, "Multiple Errors"),
  INCOHERENT(55, "Incoherent"),
  INVALID_BACKUP_TARGET_ID(56, "Invalid Backup Target ID"),
  PRODUCT_KEY_MISMATCH(57, "Incompatible Product Keys"),
  LAN_PORT_CONFLICT(58, "Incompatible LAN Port Configuration"),
  JAVASCRIPT(59, "Javascript Engine Error"),
  PEM(60, "PEM Encoding Error"),
  TLS_INIT(61, "TLS Backend Initialization Error"),
  ASCII(62, "ASCII Parse Error"),
  MISSING_HEADER(63, "Missing Header"),
  GRUB(64, "Grub Error"),
  SYSTEMD(65, "Systemd Error"),
  OPEN_SSH(66, "OpenSSH Error"),
  ZRAM(67, "Zram Error"),
  LSHW(68, "LSHW Error"),
  CPU_SETTINGS(69, "CPU Settings Error"),
  FIRMWARE(70, "Firmware Error"),
  TIMEOUT(71, "Timeout Error"),
  LXC(72, "LXC Error"),
  CANCELLED(73, "Cancelled"),
  GIT(74, "Git Error"),
  DBUS(75, "DBus Error"),
  INSTALL_FAILED(76, "Install Failed"),
  UPDATE_FAILED(77, "Update Failed"),
  SMTP(78, "SMTP Error"),
  SET_SYS_INFO(79, "Error Setting System Info"),
  BIOS(80, "BIOS/UEFI Error");

  private final int code;
  private final String meaning;

  ErrorKind(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The JSON-RPC error code. */
  public int code() {
    return code;
  }

  /** The short human text StartOS sends as the error message. */
  public String meaning() {
    return meaning;
  }
}
