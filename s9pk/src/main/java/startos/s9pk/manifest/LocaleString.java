package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import startos.s9pk.merkle.S9pkException;

/** A plain string or a map from locale ({@code en_US}) to text. */
public record LocaleString(JsonNode json) {
  public LocaleString {
    if (json == null || !(json.isTextual() || json.isObject())) {
      throw new S9pkException("a locale string must be a string or an object of strings");
    }
    if (json.isObject()) {
      for (JsonNode v : json) {
        if (!v.isTextual()) {
          throw new S9pkException("a locale string's translations must all be strings");
        }
      }
      json = json.deepCopy();
    }
  }

  public static LocaleString of(String text) {
    return new LocaleString(Json.NODES.textNode(text));
  }

  /** Exact locale, else the same language, else the first entry (StartOS's fallback). */
  public String localized(String locale) {
    if (json.isTextual()) {
      return json.asText();
    }
    if (json.has(locale)) {
      return json.get(locale).asText();
    }
    String language = locale.split("[_-]")[0];
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    String first = "";
    boolean haveFirst = false;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!haveFirst) {
        first = e.getValue().asText();
        haveFirst = true;
      }
      if (e.getKey().split("[_-]")[0].equals(language)) {
        return e.getValue().asText();
      }
    }
    return first;
  }

  static LocaleString parse(JsonNode node, String what) {
    try {
      return new LocaleString(node);
    } catch (S9pkException e) {
      throw new S9pkException(what + ": " + e.getMessage(), e);
    }
  }
}
