package startos.dependency;

import java.util.Optional;

/** Recursive descent over exver range text; depth is bounded (text from a package). */
final class RangeParser {
  private static final int MAX_DEPTH = 32;

  private final String s;
  private int pos;
  private int depth;

  RangeParser(String s) {
    this.s = s;
  }

  VersionRange parseAll() {
    VersionRange r = range();
    skip();
    if (pos < s.length()) {
      throw bad("unexpected \"" + s.charAt(pos) + "\" at position " + pos);
    }
    return r;
  }

  private VersionRange range() {
    if (++depth > MAX_DEPTH) {
      throw bad("nested deeper than " + MAX_DEPTH);
    }
    VersionRange r = atom();
    while (true) {
      skip();
      if (pos >= s.length() || s.charAt(pos) == ')') {
        break;
      }
      if (s.startsWith("||", pos)) {
        pos += 2;
        r = new VersionRange.Or(r, atom());
      } else if (s.startsWith("&&", pos)) {
        pos += 2;
        r = new VersionRange.And(r, atom());
      } else {
        r = new VersionRange.And(r, atom());
      }
    }
    depth--;
    return r;
  }

  private VersionRange atom() {
    skip();
    if (pos >= s.length()) {
      throw bad("it ends where a version was expected");
    }
    char c = s.charAt(pos);
    if (c == '(') {
      pos++;
      VersionRange r = range();
      skip();
      if (pos >= s.length() || s.charAt(pos) != ')') {
        throw bad("a \"(\" is not closed");
      }
      pos++;
      return r;
    }
    if (c == '*') {
      pos++;
      return new VersionRange.Const(true);
    }
    if (c == '!' && !s.startsWith("!=", pos)) {
      pos++;
      skip();
      if (pos >= s.length()
          || s.charAt(pos) == ')'
          || s.startsWith("||", pos)
          || s.startsWith("&&", pos)) {
        return new VersionRange.Const(false);
      }
      if (++depth > MAX_DEPTH) {
        throw bad("nested deeper than " + MAX_DEPTH);
      }
      VersionRange r = new VersionRange.Not(atom());
      depth--;
      return r;
    }
    if (c == '#') {
      int end = pos + 1;
      while (end < s.length() && Character.isLowerCase(s.charAt(end))) {
        end++;
      }
      if (end >= s.length() || s.charAt(end) != ':') {
        String f = s.substring(pos + 1, end);
        pos = end;
        return new VersionRange.Flavor(Optional.of(f).filter(x -> !x.isEmpty()));
      }
    }
    VersionRange.Op op = null;
    boolean caret = true;
    boolean tilde = false;
    for (String[] o :
        new String[][] {
          {">=", "GTE"},
          {"<=", "LTE"},
          {"!=", "NEQ"},
          {"=", "EQ"},
          {"<", "LT"},
          {">", "GT"},
          {"^", "^"},
          {"~", "~"}
        }) {
      if (s.startsWith(o[0], pos)) {
        pos += o[0].length();
        caret = o[1].equals("^");
        tilde = o[1].equals("~");
        op = caret || tilde ? null : VersionRange.Op.valueOf(o[1]);
        break;
      }
    }
    skip();
    int start = pos;
    while (pos < s.length() && "#:.-".indexOf(s.charAt(pos)) >= 0
        || pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw bad("a version was expected at position " + start);
    }
    ExVersion v;
    try {
      v = ExVersion.parseSpec(s.substring(start, pos));
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    if (op != null) {
      return new VersionRange.Anchor(op, v);
    }
    return tilde ? VersionRange.tilde(v) : VersionRange.caret(v);
  }

  private void skip() {
    while (pos < s.length() && s.charAt(pos) == ' ') {
      pos++;
    }
  }

  private IllegalArgumentException bad(String why) {
    return new IllegalArgumentException("\"" + s + "\" is not a version range: " + why);
  }
}
