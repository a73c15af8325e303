package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's rule that the database has one typed shape: no main source outside {@code
 * startos.model} spells a database field as a string (a key, or a pointer into {@code /public} or
 * {@code /private}). The names checked are the ones that exist only in the database, so an RPC
 * parameter or an effect's answer that happens to share a common word ({@code name}, {@code id}) is
 * not caught; comments are skipped.
 */
class DbFieldsStayInTheModelTest {
  /**
   * Field names found only in the database (StartOS's {@code T.Public} and startd's private part).
   */
  private static final Set<String> DB_ONLY =
      Set.of(
          "public",
          "private",
          "packageData",
          "serverInfo",
          "stateInfo",
          "statusInfo",
          "installingInfo",
          "newManifest",
          "currentDependencies",
          "storeExposedDependents",
          "outboundGateway",
          "lastBackup",
          "unreadNotificationCount",
          "caFingerprint",
          "packageVersionCompat",
          "postInitMigrationTodos",
          "echoipUrls",
          "bindingRanges",
          "publicDomains",
          "privateDomains",
          "portForwards",
          "assignedPort",
          "assignedSslPort",
          "guaWan",
          "keptVolumes",
          "dataVersions",
          "availablePorts",
          "setupComplete",
          "keyStore",
          "localCerts",
          "packageStores");

  /**
   * Files still being moved onto the model (issue 9); a listed file that no longer spells a field
   * fails the test until it is removed here, so the list only shrinks.
   */
  private static final Set<String> NOT_YET_MIGRATED =
      Set.of("CertStore.java", "DbMethods.java", "PackageData.java", "Pointers.java");

  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void noSourceOutsideTheModelSpellsADatabaseField() {
    List<String> found = new ArrayList<>();
    Set<String> stillSpelling = new java.util.TreeSet<>();
    for (Path file : PackageStructureTest.sources()) {
      // the daemon owns the database; patchdb, the CLI and benches read it only as JSON
      if (!file.toString().contains("/daemon/src/main/java/")
          || file.toString().contains("/startos/model/")) {
        continue;
      }
      List<String> lines = read(file);
      boolean inComment = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (inComment) {
          inComment = !line.contains("*/");
          continue;
        }
        if (line.startsWith("/*")) {
          inComment = !line.contains("*/");
          continue;
        }
        if (line.startsWith("//") || line.startsWith("*")) {
          continue;
        }
        Matcher m = STRING.matcher(line);
        while (m.find()) {
          if (spellsAField(m.group(1))) {
            stillSpelling.add(file.getFileName().toString());
            if (NOT_YET_MIGRATED.contains(file.getFileName().toString())) {
              continue;
            }
            found.add(file.getFileName() + ":" + (i + 1) + ": \"" + m.group(1) + "\"");
          }
        }
      }
    }
    assertThat(found)
        .as(
            "database fields spelled outside startos.model; read and write them through the records")
        .isEmpty();
    assertThat(NOT_YET_MIGRATED)
        .as("files migrated onto the model: remove them from NOT_YET_MIGRATED")
        .allSatisfy(f -> assertThat(stillSpelling).contains(f));
  }

  /** A lone field name, or a pointer whose first or any segment is one. */
  private static boolean spellsAField(String literal) {
    if (DB_ONLY.contains(literal)) {
      return true;
    }
    if (literal.startsWith("/")) {
      for (String segment : literal.substring(1).split("/")) {
        if (DB_ONLY.contains(segment)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
