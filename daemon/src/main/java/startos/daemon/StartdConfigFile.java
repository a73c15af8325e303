package startos.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The optional config file: a JSON object or {@code key = value} lines ({@code #} comments). Keys:
 * {@code data-dir}, {@code listen}, {@code web-root}, {@code runtime-image}, {@code
 * service-memory-limit}, {@code max-sideload-size}, {@code max-volume-size}, {@code bridge}, {@code
 * subnet}, {@code nft-table}, {@code cgroup-prefix}. Unknown keys are an error, so typos show.
 */
final class StartdConfigFile {
  static final Set<String> KEYS =
      Set.of(
          "data-dir",
          "listen",
          "web-root",
          "runtime-image",
          "service-memory-limit",
          "max-sideload-size",
          "max-volume-size",
          "bridge",
          "subnet",
          "nft-table",
          "cgroup-prefix");

  private StartdConfigFile() {}

  static Map<String, String> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values =
        text.stripLeading().startsWith("{") ? json(file, text) : properties(file, text);
    for (String key : values.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException(
            ("config file %s: unknown key '%s' (known: data-dir, listen, web-root, runtime-image,"
                    + " service-memory-limit, max-sideload-size, max-volume-size, bridge, subnet, nft-table,"
                    + " cgroup-prefix)")
                .formatted(file, key));
      }
    }
    return values;
  }

  private static Map<String, String> json(Path file, String text) {
    JsonNode tree;
    try {
      tree = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "config file %s is not valid JSON: %s".formatted(file, e.getOriginalMessage()), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : tree.properties()) {
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new ConfigException(
            "config file %s: '%s' must be a string or number".formatted(file, e.getKey()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static Map<String, String> properties(Path file, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "config file %s line %d: expected 'key = value', got '%s'"
                .formatted(file, i + 1, line));
      }
      out.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
    }
    return out;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && ((value.startsWith("\"") && value.endsWith("\""))
            || (value.startsWith("'") && value.endsWith("'")))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
