package startos.dependency;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import startos.model.PackageDataEntry;

/**
 * The graph of declared dependencies ({@code currentDependencies}) across installed packages, to
 * refuse a declaration that would close a cycle: two services each waiting for the other to run
 * could never both be satisfied.
 */
public final class DependencyGraph {
  private DependencyGraph() {}

  /**
   * If {@code id} declaring {@code deps} closes a cycle, the cycle as package ids starting and
   * ending with {@code id} (a dependency on itself is {@code [id, id]}).
   */
  public static Optional<List<String>> cycle(
      String id, Collection<String> deps, Map<String, PackageDataEntry> packages) {
    Map<String, String> parent = new HashMap<>();
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>();
    for (String d : deps) {
      if (seen.add(d)) {
        parent.put(d, id);
        queue.add(d);
      }
    }
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (at.equals(id)) {
        List<String> path = new ArrayList<>();
        String p = id;
        do {
          path.add(0, p);
          p = parent.get(p);
        } while (!p.equals(id));
        path.add(0, id);
        return Optional.of(path);
      }
      PackageDataEntry e = packages.get(at);
      if (e == null) {
        continue;
      }
      for (String next : e.currentDependencies().keySet()) {
        if (seen.add(next)) {
          parent.put(next, at);
          queue.add(next);
        }
      }
    }
    return Optional.empty();
  }
}
