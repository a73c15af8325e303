package startos.s9pk.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Seeded random file trees for round trips and fuzzing. */
public final class RandomTrees {
  private static final String[] ALPHABET = {"a", "b", "c", "x", "é", "𑦪", "-", "_", "0", "Z"};

  private RandomTrees() {}

  /** Path to content; non-empty distinct-ish contents unless {@code allowEmpty}. */
  static Map<String, byte[]> tree(Random random, int files, int maxSize, boolean allowEmpty) {
    Map<String, byte[]> out = new TreeMap<>();
    List<String> dirs = new ArrayList<>(List.of(""));
    while (out.size() < files) {
      String parent = dirs.get(random.nextInt(dirs.size()));
      String name = name(random);
      String path = parent + name;
      if (out.keySet().stream().anyMatch(p -> p.startsWith(path + "/") || path.startsWith(p + "/"))
          || dirs.contains(path + "/")) {
        continue;
      }
      if (random.nextInt(4) == 0 && parent.split("/").length < 6) {
        dirs.add(path + "/");
        continue;
      }
      int size = random.nextInt(maxSize + 1);
      if (!allowEmpty && size == 0) {
        size = 1 + random.nextInt(8);
      }
      byte[] content = new byte[size];
      random.nextBytes(content);
      out.put(path, content);
    }
    return out;
  }

  static String name(Random random) {
    StringBuilder b = new StringBuilder();
    int len = 1 + random.nextInt(6);
    for (int i = 0; i < len; i++) {
      b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    String s = b.toString();
    return s.equals(".") || s.equals("..") ? "dot" : s;
  }

  static S9pkBuilder builder(Map<String, byte[]> tree) {
    S9pkBuilder builder = S9pkBuilder.create();
    tree.forEach(builder::add);
    return builder;
  }

  public static DeveloperKey key(long seed) {
    byte[] bytes = new byte[32];
    new Random(seed).nextBytes(bytes);
    return DeveloperKey.fromSeed(bytes);
  }
}
