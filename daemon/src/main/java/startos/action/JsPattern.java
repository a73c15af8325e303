package startos.action;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A text pattern from an InputSpec, checked the way StartOS's UI checks it: Angular's {@code
 * Validators.pattern} adds {@code ^} and {@code $} unless the pattern already starts/ends with them
 * and runs it as a JavaScript {@code RegExp} without flags.
 *
 * <p>The pattern is JavaScript syntax; copied verbatim into {@link Pattern} some constructs would
 * mean something else or not compile, so it is translated first: {@code $} is the end of the input
 * (Java's also matches before a final line break), {@code .} excludes exactly JavaScript's line
 * terminators, {@code \s} is JavaScript's (Unicode) white space, {@code [} and {@code &&} inside a
 * class are literal, {@code []} never matches and {@code [^]} matches anything, a brace that is no
 * quantifier is literal, {@code \v} is a vertical tab, {@code \0} is NUL, {@code \b} in a class is
 * a backspace, and a backslash before a letter JavaScript gives no meaning is just that letter
 * ({@code \Q} is "Q"). Not translated (a pattern using them compiles differently or not at all; the
 * latter is reported as an invalid form): Unicode-aware {@code \w}/{@code \b} differences, named
 * groups with non-ASCII names, and lookbehinds of unbounded length.
 *
 * <p>The pattern is the package's (untrusted): matching runs on a {@link Budget}, so a pattern that
 * backtracks catastrophically stops with {@link Budget.Exhausted} instead of hanging the caller.
 */
final class JsPattern {
  /** JavaScript's white space and line terminators, as the inside of a character class. */
  private static final String JS_SPACE =
      "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

  private static final String KNOWN_LETTER_ESCAPES = "dDwWsSbBfnrtvcxuk";

  private final String source;
  private final Pattern pattern;
  private final String message;

  private JsPattern(String source, Pattern pattern, String message) {
    this.source = source;
    this.pattern = pattern;
    this.message = message;
  }

  /** The pattern as the package wrote it. */
  String source() {
    return source;
  }

  /** What a value that does not match is told: the package's description of the pattern. */
  String message() {
    return message;
  }

  /** This pattern, explained to the user by {@code description} (the package's own words). */
  JsPattern describedAs(String description) {
    return new JsPattern(source, pattern, FieldPath.clip(description));
  }

  /**
   * Compiles {@code regex} with the UI's anchoring.
   *
   * @throws PatternSyntaxException when it is no regular expression Java can run
   */
  static JsPattern compile(String regex) {
    String anchored = (regex.startsWith("^") ? "" : "^") + regex + (regex.endsWith("$") ? "" : "$");
    return new JsPattern(
        regex,
        Pattern.compile(translate(anchored)),
        "must match the pattern \"" + FieldPath.clip(regex) + "\"");
  }

  /**
   * Whether {@code value} matches, spending one step of {@code budget} per character the matcher
   * reads.
   *
   * @throws Budget.Exhausted when the budget runs out first
   */
  boolean accepts(String value, Budget budget) {
    return pattern.matcher(new BudgetedText(value, budget)).find();
  }

  static String translate(String js) {
    StringBuilder out = new StringBuilder(js.length() + 16);
    int i = 0;
    int n = js.length();
    while (i < n) {
      char c = js.charAt(i);
      switch (c) {
        case '\\' -> i = escape(js, i, out, false);
        case '[' -> i = characterClass(js, i, out);
        case '$' -> {
          out.append("\\z");
          i++;
        }
        case '.' -> {
          out.append("[^\\n\\r\\u2028\\u2029]");
          i++;
        }
        case '{' -> {
          int end = quantifierEnd(js, i);
          if (end < 0) {
            out.append("\\{");
            i++;
          } else {
            out.append(js, i, end);
            i = end;
          }
        }
        case '}' -> {
          out.append("\\}");
          i++;
        }
        default -> {
          out.append(c);
          i++;
        }
      }
    }
    return out.toString();
  }

  /** The index after a valid {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code i}, or -1. */
  private static int quantifierEnd(String js, int i) {
    int j = i + 1;
    int digits = 0;
    while (j < js.length() && Character.isDigit(js.charAt(j)) && js.charAt(j) < 128) {
      j++;
      digits++;
    }
    if (digits == 0 || j >= js.length()) {
      return -1;
    }
    if (js.charAt(j) == ',') {
      j++;
      while (j < js.length() && js.charAt(j) >= '0' && js.charAt(j) <= '9') {
        j++;
      }
    }
    return j < js.length() && js.charAt(j) == '}' ? j + 1 : -1;
  }

  private static int characterClass(String js, int start, StringBuilder out) {
    int i = start + 1;
    boolean negated = i < js.length() && js.charAt(i) == '^';
    if (negated) {
      i++;
    }
    if (i < js.length() && js.charAt(i) == ']') {
      out.append(negated ? "[\\s\\S]" : "(?!)");
      return i + 1;
    }
    out.append(negated ? "[^" : "[");
    while (i < js.length()) {
      char c = js.charAt(i);
      if (c == ']') {
        out.append(']');
        return i + 1;
      }
      if (c == '\\') {
        i = escape(js, i, out, true);
      } else {
        if (c == '[' || c == '&') {
          out.append('\\');
        }
        out.append(c);
        i++;
      }
    }
    // unterminated: let Java report it
    return i;
  }

  /** Translates the escape at {@code i} (a backslash); answers the index after it. */
  private static int escape(String js, int i, StringBuilder out, boolean inClass) {
    if (i + 1 >= js.length()) {
      out.append('\\');
      return i + 1;
    }
    char e = js.charAt(i + 1);
    switch (e) {
      case 's' -> out.append(inClass ? JS_SPACE : "[" + JS_SPACE + "]");
      case 'S' -> out.append("[^" + JS_SPACE + "]");
      case 'v' -> out.append("\\x0B");
      case 'b' -> out.append(inClass ? "\\x08" : "\\b");
      case '0' -> {
        if (i + 2 < js.length() && Character.isDigit(js.charAt(i + 2))) {
          out.append("\\0");
        } else {
          out.append("\\x00");
        }
      }
      case 'u' -> {
        if (hexDigits(js, i + 2, 4)) {
          out.append(js, i, i + 6);
          return i + 6;
        }
        out.append('u');
      }
      case 'x' -> {
        if (hexDigits(js, i + 2, 2)) {
          out.append(js, i, i + 4);
          return i + 4;
        }
        out.append('x');
      }
      case 'c' -> {
        if (i + 2 < js.length() && isAsciiLetter(js.charAt(i + 2))) {
          out.append(js, i, i + 3);
          return i + 3;
        }
        out.append("\\\\c");
      }
      case 'k' -> {
        if (!inClass && i + 2 < js.length() && js.charAt(i + 2) == '<') {
          out.append("\\k");
        } else {
          out.append('k');
        }
      }
      default -> {
        if (isAsciiLetter(e) && KNOWN_LETTER_ESCAPES.indexOf(e) < 0) {
          out.append(e);
        } else if (Character.isLetterOrDigit(e) && e >= 128) {
          out.append(e);
        } else {
          out.append('\\').append(e);
        }
      }
    }
    return i + 2;
  }

  private static boolean hexDigits(String s, int from, int count) {
    if (from + count > s.length()) {
      return false;
    }
    for (int k = from; k < from + count; k++) {
      if (Character.digit(s.charAt(k), 16) < 0 || s.charAt(k) >= 128) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * How many characters the matcher may still read in one {@link InputSpecValidator#validate} call.
   * Counting reads is deterministic (the same input stops at the same place on every machine),
   * unlike a deadline.
   */
  static final class Budget {
    private long left;

    Budget(long steps) {
      this.left = steps;
    }

    long left() {
      return Math.max(0, left);
    }

    void spend() {
      if (--left < 0) {
        throw new Exhausted();
      }
    }

    /** Thrown through the matcher when the budget is spent. */
    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super("the pattern took too many steps", null, false, false);
      }
    }
  }

  /** The value as the matcher sees it: every character read costs a step. */
  private record BudgetedText(String text, Budget budget) implements CharSequence {
    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      budget.spend();
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BudgetedText(text.substring(start, end), budget);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
