package startos.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a whole document fits the model, field by field: what a client's {@code db.apply} leaves
 * must, since startd decodes it afterwards. The root holds exactly {@code public} and {@code
 * private}; {@code public} exactly {@code serverInfo}, {@code packageData} and {@code ui}; {@code
 * serverInfo} and every package entry decode strictly (an unknown field fails); every package key
 * is a package id (startd turns them into paths); {@code serverInfo.smtp.password} stays empty (the
 * password is private).
 */
public final class ModelCheck {
  private static final Pattern PACKAGE_ID = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$");

  private ModelCheck() {}

  /**
   * @return empty when the document fits, else the first thing that does not
   */
  public static java.util.Optional<String> misfit(JsonNode before, JsonNode root) {
    try {
      check(before, root);
      return java.util.Optional.empty();
    } catch (ModelException e) {
      return java.util.Optional.of(e.getMessage());
    }
  }

  private static void check(JsonNode before, JsonNode root) {
    exactly(root, "the document", Set.of("public", "private"));
    if (!root.get("private").isObject()) {
      throw new ModelException("/private must be an object");
    }
    JsonNode pub = root.get("public");
    exactly(pub, "/public", Set.of("serverInfo", "packageData", "ui"));
    if (!pub.get("serverInfo").equals(before.at("/public/serverInfo"))) {
      ServerInfo info = strict(pub.get("serverInfo"), ServerInfo.class, "/public/serverInfo");
      if (info.smtp().flatMap(SmtpValue::password).isPresent()) {
        throw new ModelException(
            "/public/serverInfo/smtp/password must be null: the SMTP password is private");
      }
    }
    JsonNode packages = pub.get("packageData");
    if (!packages.isObject()) {
      throw new ModelException("/public/packageData must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : packages.properties()) {
      if (!PACKAGE_ID.matcher(entry.getKey()).matches() || entry.getKey().length() > 255) {
        throw new ModelException(
            "/public/packageData key '%s' is not a package id (lower-case letters, digits and single dashes)"
                .formatted(entry.getKey()));
      }
      strict(entry.getValue(), PackageDataEntry.class, "/public/packageData/" + entry.getKey());
    }
  }

  private static <T> T strict(JsonNode json, Class<T> type, String where) {
    if (!json.isObject()) {
      throw new ModelException(where + " must be an object");
    }
    try {
      return ModelJson.STRICT.treeToValue(json, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ModelException(
          "%s%s has no field '%s' in StartOS's model"
              .formatted(where, pathOf(e), e.getPropertyName()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ModelException(
          where + " does not fit StartOS's " + type.getSimpleName() + ": " + why);
    }
  }

  /** The JSON pointer, below the checked object, of the object that had the unknown field. */
  private static String pathOf(UnrecognizedPropertyException e) {
    StringBuilder path = new StringBuilder();
    List<JsonMappingException.Reference> refs = e.getPath();
    for (JsonMappingException.Reference ref : refs.subList(0, Math.max(0, refs.size() - 1))) {
      path.append('/')
          .append(
              ref.getFieldName() != null ? ref.getFieldName() : Integer.toString(ref.getIndex()));
    }
    return path.toString();
  }

  private static void exactly(JsonNode node, String what, Set<String> names) {
    if (!node.isObject()) {
      throw new ModelException(what + " must be an object");
    }
    for (String name : names) {
      if (!node.has(name)) {
        throw new ModelException("%s must keep '%s'".formatted(what, name));
      }
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!names.contains(field.getKey())) {
        throw new ModelException(
            "%s has no field '%s' in StartOS's model".formatted(what, field.getKey()));
      }
    }
  }
}
