package startos.cli;

import java.util.Map;
import java.util.Optional;

/** What StartOS's numeric error codes mean, for messages when the server sends only a code. */
final class ErrorKinds {
  static final int AUTHORIZATION = 34;
  static final int UNINITIALIZED = 40;

  private static final Map<Integer, String> MEANINGS =
      Map.ofEntries(
          Map.entry(-32700, "Parse error"),
          Map.entry(-32600, "Invalid request"),
          Map.entry(-32601, "Method not found"),
          Map.entry(-32602, "Invalid params"),
          Map.entry(-32603, "Internal error"),
          Map.entry(1, "Unknown Error"),
          Map.entry(2, "Filesystem I/O Error"),
          Map.entry(3, "Docker Error"),
          Map.entry(4, "Config Spec Violation"),
          Map.entry(5, "Config Rules Violation"),
          Map.entry(6, "Not Found"),
          Map.entry(7, "Incorrect Password"),
          Map.entry(8, "Version Incompatible"),
          Map.entry(9, "Network Error"),
          Map.entry(10, "Registry Error"),
          Map.entry(11, "Serialization Error"),
          Map.entry(12, "Deserialization Error"),
          Map.entry(13, "UTF-8 Parse Error"),
          Map.entry(14, "Version Parsing Error"),
          Map.entry(15, "Incorrect Disk"),
          Map.entry(17, "Dependency Error"),
          Map.entry(18, "S9PK Parsing Error"),
          Map.entry(19, "URL Parsing Error"),
          Map.entry(20, "Disk Not Available"),
          Map.entry(21, "Block Device Error"),
          Map.entry(23, "Pack Error"),
          Map.entry(24, "S9PK Validation Error"),
          Map.entry(25, "Disk Corrupted"),
          Map.entry(27, "Config Generation Error"),
          Map.entry(28, "Number Parsing Error"),
          Map.entry(29, "Database Error"),
          Map.entry(30, "Invalid ID"),
          Map.entry(31, "Invalid Signature"),
          Map.entry(32, "Backup Error"),
          Map.entry(33, "Restore Error"),
          Map.entry(34, "Unauthorized"),
          Map.entry(35, "Auto-Configure Error"),
          Map.entry(36, "Action Failed"),
          Map.entry(37, "Rate Limited"),
          Map.entry(38, "Invalid Request"),
          Map.entry(39, "Migration Failed"),
          Map.entry(40, "Uninitialized"),
          Map.entry(41, "Net Address Parsing Error"),
          Map.entry(42, "SSH Key Parsing Error"),
          Map.entry(43, "Sound Interface Error"),
          Map.entry(44, "Timestamp Parsing Error"),
          Map.entry(45, "System Info Parsing Error"),
          Map.entry(46, "WiFi Internal Error"),
          Map.entry(47, "Journald Error"),
          Map.entry(48, "Disk Management Error"),
          Map.entry(49, "OpenSSL Internal Error"),
          Map.entry(50, "Password Hash Generation Error"),
          Map.entry(51, "Server is in Diagnostic Mode"),
          Map.entry(52, "Database Field Parse Error"),
          Map.entry(53, "Duplication Error"),
          Map.entry(54, "Multiple Errors"),
          Map.entry(55, "Incoherent"),
          Map.entry(56, "Invalid Backup Target ID"),
          Map.entry(57, "Incompatible Product Keys"),
          Map.entry(58, "Incompatible LAN Port Configuration"),
          Map.entry(59, "Javascript Engine Error"),
          Map.entry(60, "PEM Encoding Error"),
          Map.entry(61, "TLS Backend Initialization Error"),
          Map.entry(62, "ASCII Parse Error"),
          Map.entry(63, "Missing Header"),
          Map.entry(64, "Grub Error"),
          Map.entry(65, "Systemd Error"),
          Map.entry(66, "OpenSSH Error"),
          Map.entry(67, "Zram Error"),
          Map.entry(68, "LSHW Error"),
          Map.entry(69, "CPU Settings Error"),
          Map.entry(70, "Firmware Error"),
          Map.entry(71, "Timeout Error"),
          Map.entry(72, "LXC Error"),
          Map.entry(73, "Cancelled"),
          Map.entry(74, "Git Error"),
          Map.entry(75, "DBus Error"),
          Map.entry(76, "Install Failed"),
          Map.entry(77, "Update Failed"),
          Map.entry(78, "SMTP Error"),
          Map.entry(79, "Error Setting System Info"),
          Map.entry(80, "BIOS/UEFI Error"));

  private ErrorKinds() {}

  static Optional<String> meaning(int code) {
    return Optional.ofNullable(MEANINGS.get(code));
  }
}
