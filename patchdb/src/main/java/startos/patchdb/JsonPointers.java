package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** Text-level helpers over {@link JsonPointer} for callers that keep pointers as strings. */
public final class JsonPointers {
  private JsonPointers() {}

  /** The unescaped reference tokens of {@code pointer}; throws {@link PatchDbException}. */
  public static List<String> parse(String pointer) {
    return JsonPointer.parse(pointer).tokens();
  }

  /** Escapes one reference token ('~' to "~0", '/' to "~1"). */
  public static String escape(String token) {
    return JsonPointer.escape(token);
  }

  /** The text form of a pointer made of these unescaped tokens. */
  public static String format(List<String> tokens) {
    return new JsonPointer(tokens).toString();
  }

  /** Joins a base pointer and unescaped tokens: {@code join("/a", "b/c")} is {@code "/a/b~1c"}. */
  public static String join(String base, String... tokens) {
    JsonPointer pointer = JsonPointer.parse(base);
    for (String token : tokens) {
      pointer = pointer.append(token);
    }
    return pointer.toString();
  }

  /** The node at {@code pointer} inside {@code document} (not a copy), if present. */
  public static Optional<JsonNode> get(JsonNode document, String pointer) {
    return JsonPointer.parse(pointer).resolve(document);
  }
}
