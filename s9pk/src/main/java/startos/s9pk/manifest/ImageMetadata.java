package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * {@code images/<arch>/<id>.json}: how to start a process in the image (from its Docker config).
 */
public record ImageMetadata(
    String workdir, String user, Optional<List<String>> entrypoint, Optional<List<String>> cmd) {

  public ImageMetadata {
    if (workdir.isEmpty()) {
      workdir = "/";
    }
    if (user.isEmpty()) {
      user = "root";
    }
    entrypoint = entrypoint.map(List::copyOf);
    cmd = cmd.map(List::copyOf);
  }

  public static ImageMetadata parse(byte[] json) {
    String what = "image metadata";
    ObjectNode o = Json.parseObject(json, what);
    return new ImageMetadata(
        Json.optString(o, "workdir", what).orElse("/"),
        Json.optString(o, "user", what).orElse("root"),
        list(o.get("entrypoint"), "entrypoint"),
        list(o.get("cmd"), "cmd"));
  }

  private static Optional<List<String>> list(JsonNode v, String field) {
    return v == null || v.isNull()
        ? Optional.empty()
        : Optional.of(Json.strings(v, field, "image metadata"));
  }

  public byte[] toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("workdir", workdir);
    o.put("user", user);
    o.set("entrypoint", entrypoint.<JsonNode>map(Json::array).orElse(Json.NODES.nullNode()));
    o.set("cmd", cmd.<JsonNode>map(Json::array).orElse(Json.NODES.nullNode()));
    return Json.write(o);
  }
}
