package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/** Status, health, lifecycle, packages, notifications, files, certificates and versions. */
final class ControlEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> HEALTH_RESULTS =
      Set.of("success", "disabled", "starting", "waiting", "loading", "failure");
  private static final Set<String> LEVELS = Set.of("success", "info", "warning", "error");

  private final PatchDb db;
  private final ServiceHost host;
  private final Watches watches;
  private final DataVersions dataVersions;

  ControlEffects(PatchDb db, ServiceHost host, Watches watches) {
    this.db = db;
    this.host = host;
    this.watches = watches;
    this.dataVersions = new DataVersions(db, host::volumesDir);
  }

  void register(EffectTable t) {
    t.register("restart", c -> run(() -> host.requestRestart(c.packageId())));
    t.register("shutdown", c -> run(() -> host.requestShutdown(c.packageId())));
    t.register("get-status", c -> watched(c, () -> status(c.targetPackage())));
    t.register("set-health", this::setHealth);
    t.register(
        "set-init-progress",
        c -> {
          JsonNode progress = c.params().value("progress");
          EffectLimits.requireStorable(progress, "the init progress");
          host.setInitProgress(c.packageId(), progress);
          return NODES.nullNode();
        });
    t.register(
        "set-main-status",
        c -> {
          String status = c.params().string("status");
          switch (status) {
            case "running" -> {}
            case "stopped" -> host.requestShutdown(c.packageId());
            default ->
                throw ProtocolException.invalidParams(
                    "parameter 'status' must be \"running\" or \"stopped\", got \""
                        + status
                        + "\"");
          }
          return NODES.nullNode();
        });
    t.register("get-installed-packages", c -> installed());
    t.register(
        "get-service-manifest",
        c -> {
          String id = c.params().string("packageId");
          JsonNode manifest = manifest(id);
          if (manifest.isNull()) {
            throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
          }
          return watched(c, () -> manifest(id));
        });
    t.register("notification.create", this::notify);
    t.register(
        "subcontainer.create-fs",
        c -> {
          Params p = c.params();
          List<String> made =
              host.createFs(
                  c.packageId(), checkId(p.string("imageId"), "imageId"), p.optionalString("name"));
          ArrayNode out = NODES.arrayNode();
          made.forEach(out::add);
          return out;
        });
    t.register(
        "subcontainer.destroy-fs",
        c -> {
          String guid = c.params().string("guid");
          if (!guid.matches("[A-Za-z0-9]{1,64}")) {
            throw ProtocolException.invalidParams(
                "parameter 'guid' is not a subcontainer guid: " + guid);
          }
          host.destroyFs(c.packageId(), guid);
          return NODES.nullNode();
        });
    t.register("mount", this::mount);
    t.register(
        "get-container-ip", c -> watched(c, () -> text(host.containerIp(c.targetPackage()))));
    t.register("get-os-ip", c -> NODES.textNode(host.osIp()));
    OutboundGateway gateway = new OutboundGateway(db, OutboundGateway.ROUTES);
    t.register(
        "get-outbound-gateway",
        c -> watched(c, () -> NODES.textNode(gateway.resolve(c.packageId()))));
    t.register(
        "get-system-smtp",
        c ->
            watched(
                c,
                () -> {
                  JsonNode smtp = db.get("/public/serverInfo/smtp").orElse(NODES.nullNode());
                  return smtp.isMissingNode() ? NODES.nullNode() : smtp;
                }));
    t.register(
        "set-data-version",
        c -> {
          dataVersions.write(c.packageId(), c.params().optionalString("version"));
          return NODES.nullNode();
        });
    t.register("get-data-version", c -> text(dataVersions.read(c.packageId())));
    t.register(
        "clear-callbacks",
        c -> {
          Params p = c.params();
          boolean only = c.raw().has("only");
          if (!only && !c.raw().has("except")) {
            throw ProtocolException.invalidParams("clear-callbacks needs 'only' or 'except'");
          }
          Set<Long> ids = new HashSet<>();
          for (JsonNode id : p.array(only ? "only" : "except")) {
            if (!id.canConvertToLong()) {
              throw ProtocolException.invalidParams("callback ids must be integers, got " + id);
            }
            ids.add(id.asLong());
          }
          watches.clear(c.packageId(), ids, only);
          return NODES.nullNode();
        });
    new ActionEffects(db).register(t);
  }

  private static JsonNode run(Runnable r) {
    r.run();
    return NODES.nullNode();
  }

  /** Answers a watchable read, remembering the callback when one was passed. */
  private JsonNode watched(EffectCall c, Supplier<JsonNode> read) {
    JsonNode value = read.get();
    c.callback().ifPresent(id -> watches.watch(c.packageId(), id, read, value));
    return value;
  }

  private JsonNode status(String packageId) {
    return db.get(PackageData.pointer(packageId) + "/statusInfo").orElse(NODES.nullNode());
  }

  private JsonNode manifest(String packageId) {
    return db.get(PackageData.pointer(packageId))
        .flatMap(PackageData::manifest)
        .<JsonNode>map(JsonNode::deepCopy)
        .orElse(NODES.nullNode());
  }

  private JsonNode installed() {
    ArrayNode out = NODES.arrayNode();
    db.get("/public/packageData")
        .ifPresent(all ->
            all.properties()
                .forEach(e -> {
                  if (PackageData.state(e.getValue()).equals("installed")) {
                    out.add(e.getKey());
                  }
                }));
    return out;
  }

  private JsonNode setHealth(EffectCall c) {
    Params p = c.params();
    String id = checkId(p.string("id"), "id");
    String name = p.string("name");
    String result = p.string("result");
    if (!HEALTH_RESULTS.contains(result)) {
      throw ProtocolException.invalidParams(
          "parameter 'result' must be one of " + HEALTH_RESULTS + ", got \"" + result + "\"");
    }
    Optional<String> message = p.optionalString("message");
    if ((result.equals("failure") || result.equals("loading")) && message.isEmpty()) {
      throw ProtocolException.invalidParams("a '" + result + "' health result needs a message");
    }
    EffectLimits.requireText(name, "the health check name");
    message.ifPresent(m -> EffectLimits.requireText(m, "the health check message"));
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, c.packageId());
      ObjectNode health = PackageData.object(PackageData.object(entry, "statusInfo"), "health");
      if (!health.has(id)) {
        EffectLimits.requireBelow(
            health.size(),
            EffectLimits.MAX_HEALTH_CHECKS,
            "health checks",
            "report new results under the ids of existing checks");
      }
      ObjectNode check = health.putObject(id);
      check.put("name", name);
      check.put("result", result);
      if (message.isPresent()) {
        check.put("message", message.get());
      } else {
        check.putNull("message");
      }
      return null;
    });
    return NODES.nullNode();
  }

  private JsonNode notify(EffectCall c) {
    Params p = c.params();
    String level = p.string("level");
    if (!LEVELS.contains(level)) {
      throw ProtocolException.invalidParams(
          "parameter 'level' must be one of " + LEVELS + ", got \"" + level + "\"");
    }
    String title = p.string("title");
    if (title.isBlank()) {
      throw ProtocolException.invalidParams("a notification needs a non-empty 'title'");
    }
    String message = p.optionalString("message").orElse("");
    JsonNode data = p.optionalValue("data").orElse(NODES.nullNode());
    EffectLimits.requireText(title, "the notification title");
    EffectLimits.requireText(message, "the notification message");
    EffectLimits.requireStorable(data, "the notification data");
    host.notify(c.packageId(), level, title, message, data);
    return NODES.nullNode();
  }

  private JsonNode mount(EffectCall c) {
    Params p = c.params();
    String location = p.string("location");
    JsonNode target = p.value("target");
    if (!target.isObject()) {
      throw ProtocolException.invalidParams("parameter 'target' must be an object");
    }
    Params t = Params.of(target);
    String pkg = checkId(t.string("packageId"), "target.packageId");
    String volume = checkId(t.string("volumeId"), "target.volumeId");
    Optional<String> subpath = t.optionalString("subpath");
    boolean readOnly = t.bool("readonly", true);
    JsonNode manifest = manifest(pkg);
    if (manifest.isNull()) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + pkg + " is not installed");
    }
    boolean hasVolume = false;
    for (JsonNode v : manifest.path("volumes")) {
      hasVolume |= v.asText().equals(volume);
    }
    if (!hasVolume) {
      throw new RpcException(
          ErrorKind.NOT_FOUND, "package " + pkg + " has no volume named " + volume);
    }
    if (!pkg.equals(c.packageId())) {
      requireDeclaredDependency(c.packageId(), pkg, volume);
    }
    if (!pkg.equals(c.packageId()) && !readOnly) {
      throw new RpcException(
          ErrorKind.AUTHORIZATION,
          "the volume "
              + volume
              + " of "
              + pkg
              + " can only be mounted read-only by another package");
    }
    host.mount(c.packageId(), pkg, VolumePaths.relative(volume, subpath), location, readOnly);
    return NODES.textNode(location);
  }

  /**
   * Another package's volume is readable only by a package that declares it in its manifest's
   * {@code dependencies} (the manifest of the version running now, an update's new one included).
   */
  private void requireDeclaredDependency(String caller, String owner, String volume) {
    JsonNode entry = db.get(PackageData.pointer(caller)).orElse(NODES.missingNode());
    JsonNode info = entry.path("stateInfo");
    JsonNode running =
        info.path("installingInfo").path("newManifest").isObject()
            ? info.path("installingInfo").path("newManifest")
            : info.path("manifest");
    if (!running.path("dependencies").has(owner)) {
      throw new RpcException(
          ErrorKind.AUTHORIZATION,
          "the volume "
              + volume
              + " of "
              + owner
              + " can only be mounted by a package that declares "
              + owner
              + " as a dependency in its manifest; "
              + caller
              + " does not");
    }
  }

  private static JsonNode text(Optional<String> value) {
    return value.<JsonNode>map(NODES::textNode).orElse(NODES.nullNode());
  }

  static String checkId(String id, String what) {
    // ids become database keys, which no other bound counts
    if (id.length() > EffectLimits.MAX_ID_CHARS) {
      throw ProtocolException.invalidParams(
          "parameter '"
              + what
              + "' is "
              + id.length()
              + " characters long; an id has at most "
              + EffectLimits.MAX_ID_CHARS);
    }
    if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw ProtocolException.invalidParams(
          "parameter '"
              + what
              + "' must be lowercase letters and digits joined by '-', got \""
              + id
              + "\"");
    }
    return id;
  }
}
