package startos.action;

import java.util.regex.Pattern;

/**
 * Names fields in messages: {@code servers[2].port} for the input's nesting, keys that are not
 * plain identifiers as {@code ["a key"]}; and keeps text the package wrote (keys, names,
 * descriptions) short and free of control characters, so a hostile spec cannot flood or garble an
 * error.
 */
final class FieldPath {
  static final int MAX_TEXT = 200;
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  private FieldPath() {}

  /** {@code parent.key}, or {@code key} at the top. */
  static String child(String parent, String key) {
    String rendered = render(key);
    return parent.isEmpty() || rendered.startsWith("[")
        ? parent + rendered
        : parent + "." + rendered;
  }

  /** {@code parent[index]}. */
  static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** A key as one path segment. */
  static String render(String key) {
    if (PLAIN.matcher(key).matches() && key.length() <= MAX_TEXT) {
      return key;
    }
    StringBuilder out = new StringBuilder("[\"");
    for (char c : clip(key).toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append("\"]").toString();
  }

  /** Package text as it may appear in a message: control characters dropped, at most 200 chars. */
  static String clip(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT + 1));
    for (int i = 0; i < text.length() && out.length() < MAX_TEXT; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c);
    }
    return out.length() < text.length() ? out.append('…').toString() : out.toString();
  }
}
