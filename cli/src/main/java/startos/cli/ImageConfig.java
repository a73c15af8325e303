package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an image carries besides its files, from the OCI/Docker config: StartOS stores it as {@code
 * images/<arch>/<id>.json} ({@code {workdir, user, entrypoint, cmd}}) and {@code .env} (the {@code
 * Env} lines joined with newlines).
 */
record ImageConfig(
    String workdir,
    String user,
    Optional<List<String>> entrypoint,
    Optional<List<String>> cmd,
    List<String> env) {

  ImageConfig {
    workdir = workdir.isEmpty() ? "/" : workdir;
    user = user.isEmpty() ? "root" : user;
    entrypoint = entrypoint.map(List::copyOf);
    cmd = cmd.map(List::copyOf);
    env = List.copyOf(env);
  }

  /** A plain root filesystem directory has no config: root in {@code /}, no command. */
  static ImageConfig defaults() {
    return new ImageConfig("/", "root", Optional.empty(), Optional.empty(), List.of());
  }

  /** Reads the {@code config} section of an OCI image config / Docker image JSON. */
  static ImageConfig fromImageJson(JsonNode image) {
    JsonNode c = image.path("config");
    if (c.isMissingNode() || c.isNull()) {
      c = image.path("Config"); // docker inspect shape
    }
    return new ImageConfig(
        c.path("WorkingDir").asText(""),
        c.path("User").asText(""),
        strings(c.path("Entrypoint")),
        strings(c.path("Cmd")),
        strings(c.path("Env")).orElse(List.of()));
  }

  private static Optional<List<String>> strings(JsonNode node) {
    if (!node.isArray()) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    node.forEach(n -> out.add(n.asText()));
    return Optional.of(out);
  }

  byte[] metadataJson() {
    ObjectNode o = RpcClient.JSON.createObjectNode();
    o.put("workdir", workdir);
    o.put("user", user);
    putList(o, "entrypoint", entrypoint);
    putList(o, "cmd", cmd);
    return Output.compact(o).getBytes(StandardCharsets.UTF_8);
  }

  byte[] envFile() {
    return String.join("\n", env).getBytes(StandardCharsets.UTF_8);
  }

  private static void putList(ObjectNode o, String key, Optional<List<String>> list) {
    if (list.isEmpty()) {
      o.putNull(key);
      return;
    }
    ArrayNode a = o.putArray(key);
    list.get().forEach(a::add);
  }
}
