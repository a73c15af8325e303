package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import startos.effects.ControlParams.ClearCallbacks;
import startos.effects.ControlParams.CreateFs;
import startos.effects.ControlParams.CreateNotificationParams;
import startos.effects.ControlParams.DestroyFs;
import startos.effects.ControlParams.InitProgress;
import startos.effects.ControlParams.ManifestRead;
import startos.effects.ControlParams.MountParams;
import startos.effects.ControlParams.Read;
import startos.effects.ControlParams.SetDataVersion;
import startos.effects.ControlParams.SetHealth;
import startos.effects.ControlParams.SetMainStatus;
import startos.model.Database;
import startos.model.HealthCheckResult;
import startos.model.ModelJson;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.smtp.SmtpSettings;

/** Status, health, lifecycle, packages, notifications, files, certificates and versions. */
final class ControlEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Database db;
  private final ServiceHost host;
  private final Watches watches;
  private final DataVersions dataVersions;
  private final OutboundGateway gateway;
  private final SmtpSettings smtp;

  ControlEffects(Database db, ServiceHost host, Watches watches) {
    this.db = db;
    this.host = host;
    this.watches = watches;
    this.dataVersions = new DataVersions(db, host::volumesDir);
    this.gateway = new OutboundGateway(db, OutboundGateway.ROUTES);
    this.smtp = new SmtpSettings(db);
  }

  void register(EffectTable t) {
    t.register("restart", this::restart);
    t.register("shutdown", this::shutdown);
    t.register("get-status", this::status, Read.class);
    t.register("set-health", this::setHealth, SetHealth.class);
    t.register("set-init-progress", this::setInitProgress, InitProgress.class);
    t.register("set-main-status", this::setMainStatus, SetMainStatus.class);
    t.register("get-installed-packages", this::installed);
    t.register("get-service-manifest", this::serviceManifest, ManifestRead.class);
    t.register("notification.create", this::notify, CreateNotificationParams.class);
    t.register("subcontainer.create-fs", this::createFs, CreateFs.class);
    t.register("subcontainer.destroy-fs", this::destroyFs, DestroyFs.class);
    t.register("mount", this::mount, MountParams.class);
    t.register("get-container-ip", this::containerIp, Read.class);
    t.register("get-os-ip", this::osIp);
    t.register("get-outbound-gateway", this::outboundGateway, Read.class);
    t.register("get-system-smtp", this::systemSmtp, Read.class);
    t.register("set-data-version", this::setDataVersion, SetDataVersion.class);
    t.register("get-data-version", this::dataVersion);
    t.register("clear-callbacks", this::clearCallbacks, ClearCallbacks.class);
  }

  private JsonNode restart(EffectCall c) {
    host.requestRestart(c.packageId());
    return NODES.nullNode();
  }

  private JsonNode shutdown(EffectCall c) {
    host.requestShutdown(c.packageId());
    return NODES.nullNode();
  }

  private JsonNode status(EffectCall c, Read p) {
    String target = p.target(c);
    return watches.answer(
        c.packageId(),
        p.callback(),
        () ->
            db.packageEntry(target)
                .map(e -> ModelJson.encode(e.statusInfo()))
                .orElse(NODES.nullNode()));
  }

  private JsonNode setInitProgress(EffectCall c, InitProgress p) {
    host.setInitProgress(c.packageId(), p.progress());
    return NODES.nullNode();
  }

  private JsonNode setMainStatus(EffectCall c, SetMainStatus p) {
    switch (p.status()) {
      case RUNNING -> {}
      case STOPPED -> host.requestShutdown(c.packageId());
    }
    return NODES.nullNode();
  }

  private JsonNode serviceManifest(EffectCall c, ManifestRead p) {
    if (manifest(p.packageId()).isNull()) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + p.packageId() + " is not installed");
    }
    return watches.answer(c.packageId(), p.callback(), () -> manifest(p.packageId()));
  }

  private JsonNode createFs(EffectCall c, CreateFs p) {
    ArrayNode out = NODES.arrayNode();
    host.createFs(c.packageId(), p.imageId(), p.name()).forEach(out::add);
    return out;
  }

  private JsonNode destroyFs(EffectCall c, DestroyFs p) {
    host.destroyFs(c.packageId(), p.guid());
    return NODES.nullNode();
  }

  private JsonNode containerIp(EffectCall c, Read p) {
    String target = p.target(c);
    return watches.answer(c.packageId(), p.callback(), () -> text(host.containerIp(target)));
  }

  private JsonNode osIp(EffectCall c) {
    return NODES.textNode(host.osIp());
  }

  private JsonNode outboundGateway(EffectCall c, Read p) {
    return watches.answer(
        c.packageId(), p.callback(), () -> NODES.textNode(gateway.resolve(c.packageId())));
  }

  /**
   * StartOS's {@code getSystemSmtp}: the settings with their password (packages log in with it), or
   * null; the callback fires when any of it changes, the password included.
   */
  private JsonNode systemSmtp(EffectCall c, Read p) {
    return watches.answer(c.packageId(), p.callback(), smtp::forPackages);
  }

  private JsonNode setDataVersion(EffectCall c, SetDataVersion p) {
    dataVersions.write(c.packageId(), p.version());
    return NODES.nullNode();
  }

  private JsonNode dataVersion(EffectCall c) {
    return text(dataVersions.read(c.packageId()));
  }

  private JsonNode clearCallbacks(EffectCall c, ClearCallbacks p) {
    watches.clear(c.packageId(), new HashSet<>(p.ids()), p.dropsListed());
    return NODES.nullNode();
  }

  private JsonNode manifest(String packageId) {
    return db.packageEntry(packageId)
        .map(e -> installedManifest(e.stateInfo()))
        .<JsonNode>map(JsonNode::deepCopy)
        .orElse(NODES.nullNode());
  }

  /** The manifest of the version installed now (an update's old one), else the incoming one. */
  private static JsonNode installedManifest(PackageState state) {
    return switch (state) {
      case PackageState.Updating u -> u.manifest();
      default -> state.targetManifest();
    };
  }

  private JsonNode installed(EffectCall c) {
    ArrayNode out = NODES.arrayNode();
    for (Map.Entry<String, PackageDataEntry> e : db.packages().entrySet()) {
      if (e.getValue().stateInfo() instanceof PackageState.Installed) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private JsonNode setHealth(EffectCall c, SetHealth p) {
    HealthCheckResult check = HealthCheckResult.of(p.name(), p.result(), p.message());
    db.mutate(tx -> {
      PackageDataEntry entry = tx.requirePackage(c.packageId());
      Map<String, HealthCheckResult> health = entry.statusInfo().health();
      if (!health.containsKey(p.id())) {
        EffectLimits.requireBelow(
            health.size(),
            EffectLimits.MAX_HEALTH_CHECKS,
            "health checks",
            "report new results under the ids of existing checks");
      }
      tx.putPackage(
          c.packageId(),
          entry.withStatusInfo(
              entry.statusInfo().withHealth(ModelJson.with(health, p.id(), check))));
      return null;
    });
    return NODES.nullNode();
  }

  private JsonNode notify(EffectCall c, CreateNotificationParams p) {
    host.notify(
        c.packageId(),
        p.level().wire(),
        p.title(),
        p.message().orElse(""),
        p.data().orElse(NODES.nullNode()));
    return NODES.nullNode();
  }

  private JsonNode mount(EffectCall c, MountParams p) {
    String pkg = p.target().packageId();
    String volume = p.target().volumeId();
    boolean readOnly = p.target().readOnly();
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
    host.mount(
        c.packageId(),
        pkg,
        VolumePaths.relative(volume, p.target().subpath()),
        p.location(),
        readOnly);
    return NODES.textNode(p.location());
  }

  /**
   * Another package's volume is readable only by a package that declares it in its manifest's
   * {@code dependencies} (the manifest of the version running now, an update's new one included).
   */
  private void requireDeclaredDependency(String caller, String owner, String volume) {
    JsonNode running =
        db.packageEntry(caller).map(PackageDataEntry::targetManifest).orElse(NODES.missingNode());
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
