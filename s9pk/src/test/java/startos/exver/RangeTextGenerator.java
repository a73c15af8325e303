package startos.exver;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random range texts in the syntax both StartOS implementations share, with probe versions,
 * flags for the documented places where the SDK's semantics differ from the server's, and
 * token-level corruptions for inputs both must reject.
 */
final class RangeTextGenerator {

  /** A generated range text and the versions to test it with. */
  record Case(String text, List<String> probes, boolean sdkSemanticsDiffer) {}

  private static final String[] OPS = {"", ">=", "<=", "!=", "=", "<", ">", "^", "~"};
  private static final String[] FLAVORS = {"a", "knots", "bitcoin"};
  private static final String[] WORDS = {"alpha", "beta", "rc", "Beta", "RC", "x", "z", "pre"};
  private static final String[] STRUCTURAL = {
    "(", ")", "&&", "||", "!", "*", "#", ">=", "=", "&", "|", ":", "."
  };
  private static final String[] CORRUPT = {
    "1..2", "1.", ".1", "1.2-", "a", "1.2:", "#A:1", "1.2.x", "-1", "#a:", "1:2:3", "1-a.", ">=#a",
    "=(1)", "1-_", "^", "#a:1:", "!=", "~~1"
  };

  private final SplittableRandom rnd;
  private final List<String> tokens = new ArrayList<>();
  private final List<String> anchorVersions = new ArrayList<>();
  private boolean differs;

  RangeTextGenerator(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  Case next(boolean corrupt) {
    tokens.clear();
    anchorVersions.clear();
    differs = false;
    range(rnd.nextInt(4));
    if (corrupt) {
      corrupt();
    }
    differs |= orThenJuxtaposition(tokens) || tokens.contains("#");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      if (i > 0) {
        boolean tight = structural(tokens.get(i - 1)) || structural(tokens.get(i));
        text.append(tight ? " ".repeat(rnd.nextInt(3)) : " ".repeat(1 + rnd.nextInt(2)));
      }
      text.append(tokens.get(i));
    }
    return new Case(text.toString().strip(), probes(), differs);
  }

  private static boolean structural(String t) {
    return t.equals("(") || t.equals(")") || t.equals("&&") || t.equals("||");
  }

  private void range(int depth) {
    int atoms = 1 + rnd.nextInt(depth > 0 ? 3 : 2);
    for (int i = 0; i < atoms; i++) {
      if (i > 0) {
        int c = rnd.nextInt(10);
        if (c < 4) {
          tokens.add("&&");
        } else if (c < 8) {
          tokens.add("||");
        } // else juxtaposition
      }
      atom(depth);
    }
  }

  private void atom(int depth) {
    int c = rnd.nextInt(100);
    if (depth > 0 && c < 20) {
      tokens.add("(");
      range(depth - 1);
      tokens.add(")");
    } else if (depth > 0 && c < 30) {
      tokens.add("!");
      atom(depth - 1);
    } else if (c < 34) {
      tokens.add("*");
    } else if (c < 37) {
      tokens.add("!");
    } else if (c < 45) {
      boolean bare = rnd.nextInt(4) == 0;
      // the SDK parses a bare '#' into a flavor "" that matches nothing
      differs |= bare;
      tokens.add("#" + (bare ? "" : pick(FLAVORS)));
    } else {
      anchor();
    }
  }

  private void anchor() {
    String op = pick(OPS);
    String flavor = rnd.nextInt(5) == 0 ? pick(FLAVORS) : "";
    List<Long> numbers = numbers();
    List<String> pre = prerelease();
    String up = version(numbers, pre);
    String down = version(numbers(), prerelease());
    boolean withDown = rnd.nextInt(10) < 7;
    String spec = (flavor.isEmpty() ? "" : "#" + flavor + ":") + up + (withDown ? ":" + down : "");
    tokens.add(op + (rnd.nextInt(10) == 0 ? " " : "") + spec);
    anchorVersions.add(
        (flavor.isEmpty() ? "" : "#" + flavor + ":") + up + ":" + (withDown ? down : "0"));
    if (op.isEmpty() || op.equals("^") || op.equals("~")) {
      differs |= bumpDiffers(numbers, !pre.isEmpty(), op.equals("~"));
    }
  }

  /** The SDK bumps ^/~ bounds differently for prereleases, all-zero versions and short ~. */
  private static boolean bumpDiffers(List<Long> numbers, boolean prerelease, boolean tilde) {
    int first = 0;
    while (first < numbers.size() && numbers.get(first) == 0L) {
      first++;
    }
    boolean allZero = first == numbers.size();
    return prerelease || allZero || (tilde && first + 1 >= numbers.size());
  }

  private List<Long> numbers() {
    int n = 1 + rnd.nextInt(4);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(10);
      out.add((long) (c < 5 ? rnd.nextInt(4) : c < 8 ? rnd.nextInt(21) : rnd.nextInt(100_000)));
    }
    return out;
  }

  /** First segment always a word: the SDK mis-compares mixed segment types elsewhere. */
  private List<String> prerelease() {
    if (rnd.nextInt(5) != 0) {
      return List.of();
    }
    String first = rnd.nextBoolean() ? pick(WORDS) : letters();
    return switch (rnd.nextInt(3)) {
      case 0 -> List.of(first);
      case 1 -> List.of(first, Integer.toString(rnd.nextInt(12)));
      default -> List.of(first, pick(WORDS));
    };
  }

  private String letters() {
    StringBuilder sb = new StringBuilder();
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append((char) ((rnd.nextBoolean() ? 'a' : 'A') + rnd.nextInt(26)));
    }
    return sb.toString();
  }

  private static String version(List<Long> numbers, List<String> pre) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < numbers.size(); i++) {
      sb.append(i == 0 ? "" : ".").append(numbers.get(i));
    }
    if (!pre.isEmpty()) {
      sb.append('-').append(String.join(".", pre));
    }
    return sb.toString();
  }

  private String pick(String[] options) {
    return options[rnd.nextInt(options.length)];
  }

  /** Random extended version text in the shared syntax. */
  String randomVersion() {
    String flavor = rnd.nextInt(4) == 0 ? "#" + pick(FLAVORS) + ":" : "";
    return flavor + version(numbers(), prerelease()) + ":" + version(numbers(), prerelease());
  }

  private List<String> probes() {
    List<String> out = new ArrayList<>();
    for (String v : anchorVersions.subList(0, Math.min(4, anchorVersions.size()))) {
      ExtendedVersion e = ExtendedVersion.parse(v);
      out.add(v);
      out.add(bumped(e, 1).toString());
      out.add(bumped(e, -1).toString());
      out.add(new ExtendedVersion(e.flavor(), e.upstream(), Version.of(1)).toString());
      out.add(e.withFlavor(e.flavor().isEmpty() ? pick(FLAVORS) : "").toString());
      out.add(
          new ExtendedVersion(e.flavor(), e.upstream().withoutPrerelease(), Version.ZERO)
              .toString());
    }
    for (int i = 0; i < 3; i++) {
      out.add(randomVersion());
    }
    return out;
  }

  private static ExtendedVersion bumped(ExtendedVersion e, int delta) {
    List<Long> n = new ArrayList<>(e.upstream().number());
    int last = n.size() - 1;
    n.set(last, Math.max(0, n.get(last) + delta));
    return new ExtendedVersion(e.flavor(), new Version(n, e.upstream().prerelease()), Version.ZERO);
  }

  private void corrupt() {
    int at = rnd.nextInt(tokens.size() + 1);
    switch (rnd.nextInt(3)) {
      case 0 -> {
        if (!tokens.isEmpty()) {
          tokens.remove(Math.min(at, tokens.size() - 1));
        }
      }
      case 1 -> tokens.add(at, pick(STRUCTURAL));
      default -> tokens.add(at, pick(CORRUPT));
    }
  }

  /**
   * True if some parenthesis level has an operand juxtaposed after an {@code ||}: the server then
   * repeats OR, the SDK always reads AND.
   */
  static boolean orThenJuxtaposition(List<String> tokens) {
    List<boolean[]> levels = new ArrayList<>(); // {sawOr, lastWasOperand}
    levels.add(new boolean[2]);
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      boolean[] level = levels.getLast();
      switch (t) {
        case "&&", "&", "|" -> level[1] = false;
        case "||" -> {
          level[0] = true;
          level[1] = false;
        }
        case ")" -> {
          if (levels.size() > 1) {
            levels.removeLast();
          }
          levels.getLast()[1] = true;
        }
        default -> {
          if (level[1] && level[0]) {
            return true;
          }
          if (t.equals("(")) {
            levels.add(new boolean[2]);
          } else {
            level[1] = !t.equals("!") || i + 1 == tokens.size() || !startsAtom(tokens.get(i + 1));
          }
        }
      }
    }
    return false;
  }

  private static boolean startsAtom(String t) {
    return !(t.equals(")") || t.equals("&&") || t.equals("||") || t.equals("&") || t.equals("|"));
  }
}
