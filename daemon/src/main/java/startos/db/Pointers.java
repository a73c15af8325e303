package startos.db;

import java.util.ArrayList;
import java.util.List;
import startos.rpc.ProtocolException;

/** RFC 6901 JSON Pointer checks for the db.* methods. */
final class Pointers {
  static final String PUBLIC = "/public";

  private Pointers() {}

  /** The pointer, validated: empty or starting with '/', with only ~0 and ~1 escapes. */
  static String parse(String name, String pointer) {
    if (!pointer.isEmpty() && !pointer.startsWith("/")) {
      throw ProtocolException.invalidParams(
          "parameter '%s' is not a JSON pointer: '%s' must start with '/'"
              .formatted(name, pointer));
    }
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~'
          && (i + 1 >= pointer.length()
              || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
        throw ProtocolException.invalidParams(
            "parameter '%s' is not a JSON pointer: '~' must be followed by 0 or 1 in '%s'"
                .formatted(name, pointer));
      }
    }
    return pointer;
  }

  /** A pointer that must be /public or below it: private data never leaves the server. */
  /** Any well-formed pointer, the root included. */
  static String anyPointer(String name, String pointer) {
    parse(name, pointer);
    return pointer;
  }

  static String publicPointer(String name, String pointer) {
    parse(name, pointer);
    if (!pointer.equals(PUBLIC) && !pointer.startsWith(PUBLIC + "/")) {
      throw ProtocolException.invalidParams(
          "parameter '%s' must be /public or a path under it (got '%s'): only public data is readable"
              .formatted(name, pointer));
    }
    return pointer;
  }

  /** The unescaped reference tokens of a pointer. */
  static List<String> tokens(String pointer) {
    List<String> out = new ArrayList<>();
    if (pointer.isEmpty()) {
      return out;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      out.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }
}
