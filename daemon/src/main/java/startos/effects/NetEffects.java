package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/**
 * Bindings and interfaces, recorded in {@code packageData.<id>.hosts}: each binding gets external
 * ports and a real port forward from the host to the container.
 */
final class NetEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A forward to add or remove once the database change is committed. */
  record ForwardChange(boolean add, int hostPort, int internalPort) {}

  private final PatchDb db;
  private final ServiceHost host;
  private final Watches watches;

  NetEffects(PatchDb db, ServiceHost host, Watches watches) {
    this.db = db;
    this.host = host;
    this.watches = watches;
  }

  void register(EffectTable t) {
    t.register("bind", this::bind);
    t.register("clear-bindings", this::clearBindings);
    t.register(
        "get-service-port-forward",
        c -> {
          Params p = c.params();
          String hostId = ControlEffects.checkId(p.string("hostId"), "hostId");
          int port = port(p, "internalPort");
          JsonNode net =
              db.get(hostPointer(c.targetPackage(), hostId) + "/bindings/" + port + "/net")
                  .orElseThrow(() ->
                      new RpcException(
                          ErrorKind.NOT_FOUND,
                          "host "
                              + hostId
                              + " of "
                              + c.targetPackage()
                              + " has no binding for port "
                              + port));
          return net;
        });
    t.register(
        "get-host-info",
        c -> {
          String hostId = ControlEffects.checkId(c.params().string("hostId"), "hostId");
          String pointer = hostPointer(c.targetPackage(), hostId);
          return watched(c, () -> db.get(pointer).orElse(NODES.nullNode()));
        });
    t.register("export-service-interface", this::exportInterface);
    t.register(
        "get-service-interface",
        c -> {
          String id = c.params().string("serviceInterfaceId");
          String pkg = c.targetPackage();
          return watched(
              c,
              () ->
                  interfaces(pkg).path(id).isMissingNode()
                      ? NODES.nullNode()
                      : interfaces(pkg).get(id));
        });
    t.register(
        "list-service-interfaces",
        c -> {
          String pkg = c.targetPackage();
          return watched(c, () -> interfaces(pkg));
        });
    t.register(
        "clear-service-interfaces",
        c -> {
          Set<String> keep = new HashSet<>(c.params().stringList("except"));
          db.mutate(root -> {
            forEachBinding(
                PackageData.require(root, c.packageId()),
                b -> PackageData.object(b, "interfaces").retain(keep));
            return null;
          });
          return NODES.nullNode();
        });
  }

  private JsonNode watched(EffectCall c, Supplier<JsonNode> read) {
    JsonNode value = read.get();
    c.callback().ifPresent(id -> watches.watch(c.packageId(), id, read, value));
    return value;
  }

  private static String hostPointer(String pkg, String hostId) {
    return PackageData.pointer(pkg) + "/hosts/" + hostId;
  }

  private static int port(Params p, String name) {
    long v =
        p.optionalLong(name)
            .orElseThrow(() ->
                ProtocolException.invalidParams(
                    "missing required parameter '" + name + "' (a port)"));
    if (v < 1 || v > 65535) {
      throw ProtocolException.invalidParams(
          "parameter '" + name + "' must be a port 1-65535, got " + v);
    }
    return (int) v;
  }

  private JsonNode bind(EffectCall c) {
    Params p = c.params();
    String hostId = ControlEffects.checkId(p.string("id"), "id");
    int internal = port(p, "internalPort");
    int preferred = port(p, "preferredExternalPort");
    JsonNode addSsl = p.optionalValue("addSsl").orElse(NODES.nullNode());
    JsonNode secure = p.optionalValue("secure").orElse(NODES.nullNode());
    if (!addSsl.isNull() && !addSsl.isObject()) {
      throw ProtocolException.invalidParams("parameter 'addSsl' must be an object or null");
    }
    if (!secure.isNull() && !secure.isObject()) {
      throw ProtocolException.invalidParams("parameter 'secure' must be an object or null");
    }
    ObjectNode options = NODES.objectNode();
    options.put("preferredExternalPort", preferred);
    options.set("addSsl", addSsl.deepCopy());
    options.set("secure", secure.deepCopy());
    List<ForwardChange> changes = new ArrayList<>();
    // read before taking the database lock: /proc is the host's, the moment of asking is enough
    // because HostNetwork checks again when it installs the forward
    Set<Integer> reserved = host.reservedHostPorts();
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, c.packageId());
      ObjectNode hosts = PackageData.object(entry, "hosts");
      if (!hosts.has(hostId)) {
        // clear-bindings keeps hosts (the user's domains live there): count them apart
        EffectLimits.requireBelow(
            hosts.size(),
            EffectLimits.MAX_HOSTS,
            "hosts",
            "bind new ports under the ids of existing hosts");
      }
      ObjectNode h = host(hosts, hostId);
      ObjectNode bindings = PackageData.object(h, "bindings");
      JsonNode old = bindings.get(Integer.toString(internal));
      PortAllocator ports = new PortAllocator(root, reserved);
      if (old != null && old.path("options").equals(options)) {
        return null;
      }
      if (old == null) {
        EffectLimits.requireBelow(
            countBindings(entry),
            EffectLimits.MAX_BINDINGS,
            "port bindings",
            "remove some with clear-bindings before adding more");
      }
      if (old != null) {
        release(ports, old, internal, changes);
      }
      ObjectNode net = NODES.objectNode();
      Integer sslPort = null;
      if (!addSsl.isNull()) {
        sslPort = ports.preferredOrAny(addSsl.path("preferredExternalPort").asInt(443), true);
      }
      boolean secureSsl = secure.path("ssl").asBoolean(false);
      Integer plainPort = null;
      if (!(secureSsl && !addSsl.isNull())) {
        plainPort = ports.preferredOrAny(preferred, false);
        changes.add(new ForwardChange(true, plainPort, internal));
      }
      putPort(net, "assignedPort", plainPort);
      putPort(net, "assignedSslPort", sslPort);
      ObjectNode binding = NODES.objectNode();
      binding.put("enabled", true);
      binding.set("options", options);
      binding.set("net", net);
      ObjectNode addresses = binding.putObject("addresses");
      addresses.putArray("enabled");
      addresses.putArray("disabled");
      addresses.putObject("guaAccess");
      addresses.putArray("available");
      binding.set(
          "interfaces", old == null ? NODES.objectNode() : old.path("interfaces").deepCopy());
      bindings.set(Integer.toString(internal), binding);
      return null;
    });
    apply(c.packageId(), changes);
    return NODES.nullNode();
  }

  private static int countBindings(ObjectNode entry) {
    int[] n = {0};
    forEachBinding(entry, b -> n[0]++);
    return n[0];
  }

  private static void putPort(ObjectNode net, String name, Integer port) {
    if (port == null) {
      net.putNull(name);
    } else {
      net.put(name, port);
    }
  }

  private static void release(
      PortAllocator ports, JsonNode binding, int internal, List<ForwardChange> changes) {
    JsonNode net = binding.path("net");
    if (net.path("assignedPort").canConvertToInt()) {
      int port = net.get("assignedPort").asInt();
      ports.release(port);
      changes.add(new ForwardChange(false, port, internal));
    }
    if (net.path("assignedSslPort").canConvertToInt()) {
      ports.release(net.get("assignedSslPort").asInt());
    }
  }

  private JsonNode clearBindings(EffectCall c) {
    Set<String> keep = new HashSet<>();
    for (JsonNode e : c.params().array("except")) {
      if (!e.path("id").isTextual() || !e.path("internalPort").canConvertToInt()) {
        throw ProtocolException.invalidParams(
            "every entry of 'except' must be {id: hostId, internalPort: number}, got " + e);
      }
      keep.add(e.get("id").asText() + ":" + e.get("internalPort").asInt());
    }
    List<ForwardChange> changes = new ArrayList<>();
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, c.packageId());
      ObjectNode hosts = PackageData.object(entry, "hosts");
      PortAllocator ports = new PortAllocator(root);
      for (Map.Entry<String, JsonNode> h : List.copyOf(hosts.properties())) {
        ObjectNode bindings = PackageData.object((ObjectNode) h.getValue(), "bindings");
        for (Map.Entry<String, JsonNode> b : List.copyOf(bindings.properties())) {
          if (!keep.contains(h.getKey() + ":" + b.getKey())) {
            release(ports, b.getValue(), Integer.parseInt(b.getKey()), changes);
            bindings.remove(b.getKey());
          }
        }
      }
      return null;
    });
    apply(c.packageId(), changes);
    return NODES.nullNode();
  }

  private void apply(String packageId, List<ForwardChange> changes) {
    for (ForwardChange ch : changes) {
      if (ch.add()) {
        host.forward(packageId, ch.hostPort(), ch.internalPort());
      } else {
        host.unforward(packageId, ch.hostPort(), ch.internalPort());
      }
    }
  }

  private JsonNode exportInterface(EffectCall c) {
    Params p = c.params();
    String id = ControlEffects.checkId(p.string("id"), "id");
    JsonNode addressInfo = p.value("addressInfo");
    if (!addressInfo.isObject()) {
      throw ProtocolException.invalidParams("parameter 'addressInfo' must be an object");
    }
    Params a = Params.of(addressInfo);
    String hostId = ControlEffects.checkId(a.string("hostId"), "addressInfo.hostId");
    int internal = port(a, "internalPort");
    String type = p.string("type");
    if (!Set.of("ui", "api", "p2p").contains(type)) {
      throw ProtocolException.invalidParams(
          "parameter 'type' must be \"ui\", \"api\" or \"p2p\", got \"" + type + "\"");
    }
    ObjectNode iface = NODES.objectNode();
    iface.put("id", id);
    iface.put("name", p.string("name"));
    iface.put("description", p.optionalString("description").orElse(""));
    iface.put("masked", p.bool("masked", false));
    iface.set("addressInfo", addressInfo.deepCopy());
    iface.put("type", type);
    EffectLimits.requireStorable(iface, "service interface " + id);
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, c.packageId());
      Set<String> ids = new HashSet<>();
      forEachBinding(entry, b -> b.path("interfaces").fieldNames().forEachRemaining(ids::add));
      if (!ids.contains(id)) {
        EffectLimits.requireBelow(
            ids.size(),
            EffectLimits.MAX_INTERFACES,
            "service interfaces",
            "remove some with clear-service-interfaces before adding more");
      }
      JsonNode binding =
          entry.path("hosts").path(hostId).path("bindings").path(Integer.toString(internal));
      if (!(binding instanceof ObjectNode b)) {
        throw new RpcException(
            ErrorKind.NOT_FOUND,
            "cannot export interface "
                + id
                + ": host "
                + hostId
                + " has no binding for port "
                + internal
                + "; call bind first");
      }
      forEachBinding(entry, other -> PackageData.object(other, "interfaces").remove(id));
      PackageData.object(b, "interfaces").set(id, iface);
      return null;
    });
    return NODES.nullNode();
  }

  private ObjectNode interfaces(String pkg) {
    ObjectNode out = NODES.objectNode();
    JsonNode hosts = db.get(PackageData.pointer(pkg) + "/hosts").orElse(NODES.objectNode());
    for (JsonNode h : hosts) {
      for (JsonNode b : h.path("bindings")) {
        b.path("interfaces").properties().forEach(e -> out.set(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  private static void forEachBinding(ObjectNode entry, java.util.function.Consumer<ObjectNode> f) {
    for (JsonNode h : entry.path("hosts")) {
      for (JsonNode b : h.path("bindings")) {
        if (b instanceof ObjectNode o) {
          f.accept(o);
        }
      }
    }
  }

  /** The host object, created with every field the UI expects. */
  private static ObjectNode host(ObjectNode hosts, String hostId) {
    ObjectNode h = PackageData.object(hosts, hostId);
    PackageData.object(h, "bindings");
    PackageData.object(h, "bindingRanges");
    PackageData.object(h, "publicDomains");
    PackageData.object(h, "privateDomains");
    if (!h.path("portForwards").isArray()) {
      h.putArray("portForwards");
    }
    return h;
  }
}
