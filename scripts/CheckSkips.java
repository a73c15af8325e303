import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Fails the suite when a test was skipped and the skip is not on the allowlist.
 *
 * <p>Run by {@code ./test} after the Maven reactor as {@code java scripts/CheckSkips.java ALLOWLIST
 * SINCE_FILE}: reads every {@code *}{@code /target/surefire-reports/TEST-*.xml} (and failsafe's)
 * written after SINCE_FILE, so reports left over from older runs do not count. A failed JUnit
 * assumption, {@code @Disabled} and {@code @EnabledIf} end up as a {@code <skipped>} element there;
 * a class whose {@code @BeforeAll} assumption failed shows up as a suite of zero tests instead, so
 * such a suite counts as the skip {@code <class>#*}. (A {@code @Nested} class aborted that way
 * leaves no trace in the reports; the code base has none.) Single-file Java with the JDK's own XML
 * parser, so the check needs nothing the build does not already need.
 *
 * <p>Allowlist lines: {@code <class>#<test name> -- <reason>} ({@code <class>#*} for a whole
 * class); {@code #} starts a comment line. An entry without a reason is an error, so every skip we
 * accept says why.
 */
public final class CheckSkips {
  private static final String SEP = " -- ";

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java scripts/CheckSkips.java ALLOWLIST SINCE_FILE");
      System.exit(2);
    }
    Path allowFile = Path.of(args[0]);
    FileTime since = Files.getLastModifiedTime(Path.of(args[1]));
    Path root = allowFile.toAbsolutePath().getParent();

    Map<String, String> allowed = readAllowlist(allowFile);
    List<Path> reports = reports(root, since);
    if (reports.isEmpty()) {
      System.err.println(
          "check-skips: no test reports written by this run under "
              + root
              + "/*/target/surefire-reports; did the Maven run execute any test?");
      System.exit(1);
    }

    Map<String, String> skipped = new TreeMap<>();
    int tests = 0;
    var factory = DocumentBuilderFactory.newInstance();
    factory.setExpandEntityReferences(false);
    for (Path report : reports) {
      var doc = factory.newDocumentBuilder().parse(report.toFile());
      NodeList cases = doc.getElementsByTagName("testcase");
      if (cases.getLength() == 0) {
        // surefire reports a class whose @BeforeAll assumption failed as a suite of 0 tests,
        // without a <skipped> element: a class that ran nothing counts as skipped
        String suite = doc.getDocumentElement().getAttribute("name");
        skipped.put(suite + "#*", "the class ran no test (an assumption in @BeforeAll?)");
        continue;
      }
      for (int i = 0; i < cases.getLength(); i++) {
        tests++;
        Element tc = (Element) cases.item(i);
        NodeList skip = tc.getElementsByTagName("skipped");
        if (skip.getLength() == 0) {
          continue;
        }
        String id = tc.getAttribute("classname") + "#" + tc.getAttribute("name");
        Element el = (Element) skip.item(0);
        // @Disabled fills in message; a failed assumption leaves it out and puts the stack trace
        // (first line: the assumption's message) in the element's text
        String why = el.getAttribute("message");
        if (why.isBlank()) {
          why = el.getTextContent().strip().lines().findFirst().orElse("(no message)");
        }
        skipped.put(id, why.strip());
      }
    }

    List<String> refused = new ArrayList<>();
    for (var e : skipped.entrySet()) {
      if (allowed.containsKey(e.getKey())) {
        System.out.println(
            "check-skips: allowed skip " + e.getKey() + " (" + allowed.get(e.getKey()) + ")");
      } else {
        refused.add(e.getKey() + ": " + e.getValue());
      }
    }
    for (String id : allowed.keySet()) {
      if (!skipped.containsKey(id)) {
        System.out.println(
            "check-skips: note: allowlisted " + id + " did not skip on this machine");
      }
    }
    System.out.printf(
        "check-skips: %d tests in %d reports, %d skipped, %d allowed%n",
        tests, reports.size(), skipped.size(), skipped.size() - refused.size());
    if (!refused.isEmpty()) {
      System.err.println(
          "check-skips: FAILED: these tests were skipped and are not on "
              + allowFile
              + " (install what they need in scripts/setup-host.sh, or allowlist them with a reason):");
      refused.forEach(r -> System.err.println("  " + r));
      System.exit(1);
    }
  }

  private static Map<String, String> readAllowlist(Path file) throws IOException {
    Map<String, String> allowed = new LinkedHashMap<>();
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int sep = l.indexOf(SEP);
      String id = sep < 0 ? l : l.substring(0, sep).strip();
      String reason = sep < 0 ? "" : l.substring(sep + SEP.length()).strip();
      if (!id.contains("#") || reason.isEmpty()) {
        System.err.println(
            file + ":" + n + ": expected '<class>#<test> -- <reason>', got: " + line);
        System.exit(1);
      }
      allowed.put(id, reason);
    }
    return allowed;
  }

  private static List<Path> reports(Path root, FileTime since) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path m : modules.filter(Files::isDirectory).sorted().toList()) {
        for (String kind : List.of("surefire-reports", "failsafe-reports")) {
          Path dir = m.resolve("target").resolve(kind);
          if (!Files.isDirectory(dir)) {
            continue;
          }
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
              String name = f.getFileName().toString();
              if (name.startsWith("TEST-")
                  && name.endsWith(".xml")
                  && Files.getLastModifiedTime(f).compareTo(since) >= 0) {
                out.add(f);
              }
            }
          }
        }
      }
    }
    return out;
  }
}
