package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 6901 JSON Pointer as its list of unescaped reference tokens; the empty list is the whole
 * document. {@link #toString()} gives the escaped text form.
 */
public record JsonPointer(List<String> tokens) {
  public static final JsonPointer ROOT = new JsonPointer(List.of());

  public JsonPointer {
    tokens = List.copyOf(tokens);
  }

  /**
   * Parses the text form: {@code ""} or {@code "/a/b~1c"}.
   *
   * @throws PatchDbException if the text does not start with '/' or has a '~' not followed by 0 or
   *     1
   */
  public static JsonPointer parse(String text) {
    if (text.isEmpty()) {
      return ROOT;
    }
    if (text.charAt(0) != '/') {
      throw new PatchDbException(
          "invalid JSON pointer '" + text + "': it must be empty or start with '/'");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
        if (next == '0') {
          token.append('~');
        } else if (next == '1') {
          token.append('/');
        } else {
          throw new PatchDbException(
              "invalid JSON pointer '"
                  + text
                  + "': '~' at position "
                  + i
                  + " must be followed by '0' or '1'");
        }
        i++;
      } else {
        token.append(c);
      }
    }
    tokens.add(token.toString());
    return new JsonPointer(tokens);
  }

  /** Escapes one reference token: '~' becomes "~0" and '/' becomes "~1". */
  public static String escape(String token) {
    if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
      return token;
    }
    return token.replace("~", "~0").replace("/", "~1");
  }

  public boolean isRoot() {
    return tokens.isEmpty();
  }

  public int size() {
    return tokens.size();
  }

  public String last() {
    if (tokens.isEmpty()) {
      throw new PatchDbException("the root pointer has no last token");
    }
    return tokens.get(tokens.size() - 1);
  }

  public JsonPointer parent() {
    if (tokens.isEmpty()) {
      throw new PatchDbException("the root pointer has no parent");
    }
    return new JsonPointer(tokens.subList(0, tokens.size() - 1));
  }

  public JsonPointer append(String token) {
    List<String> longer = new ArrayList<>(tokens.size() + 1);
    longer.addAll(tokens);
    longer.add(token);
    return new JsonPointer(longer);
  }

  /** True when {@code prefix} is this pointer or one of its ancestors. */
  public boolean startsWith(JsonPointer prefix) {
    return prefix.tokens.size() <= tokens.size()
        && tokens.subList(0, prefix.tokens.size()).equals(prefix.tokens);
  }

  /** This pointer re-rooted at {@code prefix}, which must be a prefix of it. */
  public JsonPointer relativeTo(JsonPointer prefix) {
    if (!startsWith(prefix)) {
      throw new PatchDbException("pointer '" + this + "' is not under '" + prefix + "'");
    }
    return new JsonPointer(tokens.subList(prefix.tokens.size(), tokens.size()));
  }

  /** The node this pointer designates inside {@code document} (not a copy), if it exists. */
  public Optional<JsonNode> resolve(JsonNode document) {
    JsonNode node = document;
    for (String token : tokens) {
      if (node.isObject()) {
        node = node.get(token);
      } else if (node.isArray()) {
        int index = arrayIndex(token);
        node = index >= 0 && index < node.size() ? node.get(index) : null;
      } else {
        node = null;
      }
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(node);
  }

  /** The array index a token denotes, or -1 when it is not a canonical non-negative integer. */
  static int arrayIndex(String token) {
    int length = token.length();
    if (length == 0 || length > 9 || (length > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (String token : tokens) {
      text.append('/').append(escape(token));
    }
    return text.toString();
  }
}
