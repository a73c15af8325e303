package startos.exver;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Recursive-descent twin of the server's PEG grammar ({@code grammar.pest}): same ordered choices,
 * same backtracking, spaces only as whitespace. Unlike the server, which silently ignores whatever
 * its grammar cannot consume at the end, leftover input is an error here.
 */
final class RangeParser {
  private static final String KIND = "Version range";

  private final String s;
  private int pos;
  private int furthest = -1;
  private final Set<String> expected = new LinkedHashSet<>();

  RangeParser(String s) {
    this.s = s;
  }

  VersionRange parseAll() {
    VersionRange range = range();
    if (range != null) {
      skipSpaces();
      if (pos == s.length()) {
        return range;
      }
    }
    throw failure();
  }

  private ExverParseException failure() {
    int at = Math.max(furthest, pos);
    String found = at < s.length() ? "'" + s.charAt(at) + "'" : "end of input";
    String wanted =
        expected.isEmpty() || furthest < pos ? "end of input" : String.join(" or ", expected);
    return new ExverParseException(KIND, s, at, "expected " + wanted + ", found " + found);
  }

  private void expect(String what) {
    if (pos > furthest) {
      furthest = pos;
      expected.clear();
    }
    if (pos == furthest) {
      expected.add(what);
    }
  }

  private boolean peek(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private boolean peek(String token) {
    return s.startsWith(token, pos);
  }

  private void skipSpaces() {
    while (peek(' ')) {
      pos++;
    }
  }

  /** atom (op? atom)*, folded left; a missing operator repeats the previous one. */
  private VersionRange range() {
    VersionRange acc = atom();
    if (acc == null) {
      return null;
    }
    boolean or = false;
    while (true) {
      int save = pos;
      skipSpaces();
      Boolean op = null;
      if (peek("||")) {
        op = true;
        pos += 2;
      } else if (peek("&&")) {
        op = false;
        pos += 2;
      } else {
        expect("'&&'");
        expect("'||'");
      }
      skipSpaces();
      VersionRange next = atom();
      if (next == null) {
        pos = save;
        return acc;
      }
      if (op != null) {
        or = op;
      }
      acc = or ? VersionRange.or(acc, next) : VersionRange.and(acc, next);
    }
  }

  private VersionRange atom() {
    int start = pos;
    if (peek('(')) {
      pos++;
      skipSpaces();
      VersionRange inner = range();
      if (inner != null) {
        skipSpaces();
        if (peek(')')) {
          pos++;
          return inner;
        }
        expect("')'");
      }
      pos = start;
    }
    VersionRange anchor = anchor();
    if (anchor != null) {
      return anchor;
    }
    if (peek('!')) {
      pos++;
      skipSpaces();
      VersionRange inner = atom();
      if (inner != null) {
        return VersionRange.not(inner);
      }
      pos = start + 1; // a lone '!' is the empty range
      return VersionRange.none();
    }
    if (peek('*')) {
      pos++;
      return VersionRange.any();
    }
    if (peek('#')) {
      pos++;
      return new VersionRange.Flavor(letters());
    }
    expect("a version range (a version, an operator, '(', '!', '*' or '#flavor')");
    return null;
  }

  private VersionRange anchor() {
    int start = pos;
    String op = "";
    for (String candidate : new String[] {">=", "<=", "!=", "=", "<", ">", "^", "~"}) {
      if (peek(candidate)) {
        op = candidate;
        pos += candidate.length();
        break;
      }
    }
    skipSpaces();
    ExtendedVersion version = versionSpec();
    if (version == null) {
      if (!op.isEmpty()) {
        expect("a version after '" + op + "'");
      }
      pos = start;
      return null;
    }
    return switch (op) {
      case ">=" -> VersionRange.anchor(Operator.GTE, version);
      case "<=" -> VersionRange.anchor(Operator.LTE, version);
      case "!=" -> VersionRange.anchor(Operator.NEQ, version);
      case "=" -> VersionRange.anchor(Operator.EQ, version);
      case "<" -> VersionRange.anchor(Operator.LT, version);
      case ">" -> VersionRange.anchor(Operator.GT, version);
      case "~" -> VersionRange.tilde(version);
      default -> VersionRange.caret(version);
    };
  }

  /** [#flavor:]upstream[:downstream], without spaces; the downstream defaults to 0. */
  private ExtendedVersion versionSpec() {
    int start = pos;
    String flavor = "";
    if (peek('#')) {
      pos++;
      String letters = letters();
      if (peek(':')) {
        pos++;
        flavor = letters;
      } else {
        pos = start;
      }
    }
    Version upstream = version();
    if (upstream == null) {
      if (pos > start) {
        expect("a version after '" + s.substring(start, pos) + "'");
      }
      pos = start;
      return null;
    }
    Version downstream = Version.ZERO;
    if (peek(':')) {
      int save = pos;
      pos++;
      Version down = version();
      if (down == null) {
        pos = save;
      } else {
        downstream = down;
      }
    }
    return new ExtendedVersion(flavor, upstream, downstream);
  }

  /** num ("." num)* ("-" segment ("." segment)*)? where a dot must be followed by a number. */
  private Version version() {
    int start = pos;
    if (!number()) {
      return null;
    }
    while (peek('.')) {
      pos++;
      if (!number()) {
        expect("a number after '.'");
        pos = start;
        return null;
      }
    }
    if (peek('-')) {
      int save = pos;
      pos++;
      if (segment()) {
        while (peek('.')) {
          int dot = pos;
          pos++;
          if (!segment()) {
            pos = dot;
            break;
          }
        }
      } else {
        pos = save;
      }
    }
    return Version.parse(s.substring(start, pos), s, start, KIND);
  }

  private boolean number() {
    if (peek('0')) {
      pos++;
      return true;
    }
    if (pos < s.length() && s.charAt(pos) >= '1' && s.charAt(pos) <= '9') {
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      return true;
    }
    return false;
  }

  private boolean segment() {
    int start = pos;
    while (pos < s.length() && PrereleaseSegment.Text.allowed(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      expect("a prerelease segment");
      return false;
    }
    return true;
  }

  private String letters() {
    int start = pos;
    while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
      pos++;
    }
    return s.substring(start, pos);
  }
}
