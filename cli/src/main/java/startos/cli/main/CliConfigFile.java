package startos.cli.main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import startos.cli.CliException;

/**
 * A start-cli config file as StartOS reads it ({@code ~/.startos/config.yaml}, {@code
 * /etc/startos/config.yaml}): flat kebab-case keys such as {@code host}, {@code cookie-path},
 * {@code developer-key-path}. YAML (the flat {@code key: value} subset) or JSON by extension.
 * Nested sections (workspace profiles) are skipped.
 */
record CliConfigFile(Path path, Map<String, String> values) {

  CliConfigFile {
    values = Map.copyOf(values);
  }

  Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
  }

  static CliConfigFile read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.local("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    String name = path.getFileName().toString();
    return new CliConfigFile(
        path, name.endsWith(".json") ? parseJson(path, text) : parseYaml(text));
  }

  private static Map<String, String> parseJson(Path path, String text) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      JsonNode root = new ObjectMapper().readTree(text);
      if (root == null || !root.isObject()) {
        throw CliException.local("config file " + path + " must hold a JSON object");
      }
      root.properties()
          .forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
              values.put(e.getKey(), e.getValue().asText());
            }
          });
    } catch (IOException e) {
      throw CliException.local("config file " + path + " is not valid JSON: " + e.getMessage(), e);
    }
    return values;
  }

  static Map<String, String> parseYaml(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\r?\n")) {
      if (raw.isEmpty() || Character.isWhitespace(raw.charAt(0)) || raw.startsWith("#")) {
        continue; // nested sections and comments are not flat settings
      }
      int colon = raw.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = raw.substring(0, colon).trim();
      String value = stripComment(raw.substring(colon + 1)).trim();
      if (value.length() >= 2
          && ((value.startsWith("\"") && value.endsWith("\""))
              || (value.startsWith("'") && value.endsWith("'")))) {
        value = value.substring(1, value.length() - 1);
      }
      if (!value.isEmpty() && !value.equals("~") && !value.equals("null")) {
        values.put(key, value);
      }
    }
    return values;
  }

  private static String stripComment(String value) {
    int hash = value.indexOf(" #");
    return hash >= 0 ? value.substring(0, hash) : value;
  }
}
