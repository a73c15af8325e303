package startos.setup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import startos.model.Database;
import startos.model.InitialState;
import startos.model.LegacyShapes;
import startos.model.ServerStatus;

/**
 * The database shape StartOS 0.4 clients expect, filled in on first start before setup so the UI
 * and every later writer find their containers in place ({@link InitialState}). Only absent fields
 * are added: a started database is never overwritten.
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
  public static boolean ensure(Database db) {
    long ram = totalRamBytes(Path.of("/proc/meminfo"));
    return InitialState.ensure(db, InitialState.serverInfo(VERSION, PACKAGE_VERSION_COMPAT, ram));
  }

  /**
   * What every daemon start does: {@link #ensure} the shape, bring what an earlier startd wrote in
   * another shape to StartOS's ({@link LegacyShapes#upgrade}), then clear the status a previous run
   * may have left behind when it stopped mid-way (a backup or update in progress, shutting down)
   * and record this machine's RAM, so the UI never shows a stale spinner after a crash. Rewriting
   * {@code serverInfo} from its record also drops what StartOS's type lacks: the {@code
   * passwordHash} earlier versions published there ({@code /private/password} holds it) and the
   * fields earlier versions gave the OS UI's host ({@code guaAccess}, extra TLS options).
   */
  public static void boot(Database db) {
    ensure(db);
    long ram = totalRamBytes(Path.of("/proc/meminfo"));
    // raw JSON: what an earlier startd wrote may not decode to the records until upgraded
    db.patchDb()
        .mutate(root -> {
          LegacyShapes.upgrade(root);
          return null;
        });
    db.updateServerInfo(info ->
        info.toBuilder()
            .statusInfo(ServerStatus.IDLE)
            .ram(ram > 0 ? ram : info.ram())
            // earlier versions claimed zram, which startd never set up
            .zram(false)
            .build());
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
