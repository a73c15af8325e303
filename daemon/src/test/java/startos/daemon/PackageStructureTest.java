package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules over the main sources of every Maven module (read from the parent pom), not only this
 * one's: every package says what it is in a {@code package-info.java}, and packages import each
 * other without cycles. It lives here because the daemon module is the one whose tests every full
 * build runs; it reads source text, so it needs no module on its path.
 */
class PackageStructureTest {
  /**
   * Cycles that are known and owned by an open issue (none today); an entry whose cycle is gone
   * fails this test until it is removed, so the list cannot rot.
   */
  private static final Set<Set<String>> KNOWN_CYCLES = Set.of();

  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  // a reference to a project type: the lower-case segments before a type name or a wildcard
  private static final Pattern REFERENCE =
      Pattern.compile("\\bstartos((?:\\.[a-z_][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");

  @Test
  void noPackageImportCycles() {
    Map<String, Map<String, Path>> edges = dependencies(sources());
    List<Set<String>> cycles = new ArrayList<>();
    for (Set<String> component : stronglyConnected(edges)) {
      if (component.size() > 1) {
        cycles.add(component);
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (Set<String> cycle : cycles) {
      if (!KNOWN_CYCLES.contains(cycle)) {
        StringBuilder why = new StringBuilder(String.join(" <-> ", cycle)).append(':');
        for (String from : cycle) {
          edges
              .get(from)
              .forEach((to, file) -> {
                if (cycle.contains(to)) {
                  why.append("\n    ").append(from).append(" -> ").append(to);
                  why.append(" (e.g. ").append(file).append(')');
                }
              });
        }
        unexpected.add(why.toString());
      }
    }
    assertThat(unexpected)
        .as("package import cycles; break each along its real dependency direction")
        .isEmpty();
    assertThat(KNOWN_CYCLES)
        .as("known cycles that are gone: remove them from KNOWN_CYCLES")
        .allSatisfy(known -> assertThat(cycles).contains(known));
  }

  @Test
  void everyPackageHasAPackageInfo() {
    Map<Path, String> packageOf = new TreeMap<>();
    Set<Path> documented = new TreeSet<>();
    for (Path file : sources()) {
      Path dir = file.getParent();
      if (file.getFileName().toString().equals("package-info.java")) {
        documented.add(dir);
      } else {
        Matcher m = PACKAGE.matcher(withoutCommentsAndLiterals(read(file)));
        packageOf.putIfAbsent(dir, m.find() ? m.group(1) : dir.toString());
      }
    }
    List<String> missing = new ArrayList<>();
    packageOf.forEach((dir, pkg) -> {
      if (!documented.contains(dir)) {
        missing.add(pkg + " (" + dir + ")");
      }
    });
    assertThat(missing)
        .as(
            "packages without a package-info.java: say what the package is, its threads and what"
                + " is not done yet")
        .isEmpty();
  }

  /** Every main source file of every module listed in the parent pom. */
  static List<Path> sources() {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    try {
      String pom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
      Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
      while (module.find()) {
        Path dir = root.resolve(module.group(1)).resolve("src/main/java");
        if (Files.isDirectory(dir)) {
          try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files).as("main sources found from " + root).isNotEmpty();
    return files;
  }

  /**
   * Package of each file, then for each package the project packages it refers to (with a file).
   */
  static Map<String, Map<String, Path>> dependencies(List<Path> files) {
    Map<Path, String> code = new HashMap<>();
    Map<Path, String> packageOf = new HashMap<>();
    for (Path file : files) {
      String text = withoutCommentsAndLiterals(read(file));
      Matcher m = PACKAGE.matcher(text);
      assertThat(m.find()).as("package declaration in " + file).isTrue();
      code.put(file, text);
      packageOf.put(file, m.group(1));
    }
    Set<String> packages = new TreeSet<>(packageOf.values());
    Map<String, Map<String, Path>> edges = new TreeMap<>();
    packages.forEach(p -> edges.put(p, new TreeMap<>()));
    code.forEach((file, text) -> {
      String from = packageOf.get(file);
      Matcher ref = REFERENCE.matcher(text);
      while (ref.find()) {
        String to = "startos" + ref.group(1);
        if (!to.equals(from) && packages.contains(to)) {
          edges.get(from).putIfAbsent(to, file.getFileName());
        }
      }
    });
    return edges;
  }

  /** Tarjan's strongly connected components: each set is a group of mutually reachable packages. */
  static List<Set<String>> stronglyConnected(Map<String, Map<String, Path>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new java.util.HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    for (String start : edges.keySet()) {
      if (!index.containsKey(start)) {
        connect(start, edges, index, low, stack, onStack, out);
      }
    }
    return out;
  }

  private static void connect(
      String v,
      Map<String, Map<String, Path>> edges,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : edges.get(v).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      out.add(component);
    }
  }

  /**
   * The source with comments, string, text-block and char literals blanked, so that a class named
   * in a javadoc link or a message is not counted as a dependency.
   */
  static String withoutCommentsAndLiterals(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("//", i)) {
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        while (end > 0 && src.charAt(end - 1) == '\\') {
          end = src.indexOf("\"\"\"", end + 1);
        }
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && src.charAt(i) != c) {
          i += src.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  @Test
  void theScannerSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
    String src =
        """
        package startos.a;
        import startos.b.B;
        import static startos.c.C.X;
        import startos.d.*;
        // startos.e.E in a comment
        /** {@link startos.f.F} */
        class A { String s = "startos.g.G"; Object o = startos.h.H.of(); }
        """;
    String code = withoutCommentsAndLiterals(src);
    List<String> found = new ArrayList<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) {
      found.add("startos" + m.group(1));
    }
    assertThat(found).containsExactly("startos.b", "startos.c", "startos.d", "startos.h");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
