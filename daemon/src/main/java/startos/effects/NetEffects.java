package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import startos.effects.ControlParams.Read;
import startos.effects.NetParams.BindParams;
import startos.effects.NetParams.ClearBindings;
import startos.effects.NetParams.ClearServiceInterfaces;
import startos.effects.NetParams.ExportServiceInterfaceParams;
import startos.effects.NetParams.GetHostInfo;
import startos.effects.NetParams.GetServiceInterface;
import startos.effects.NetParams.GetServicePortForward;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
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
    t.register("bind", this::bind, BindParams.class);
    t.register("clear-bindings", this::clearBindings, ClearBindings.class);
    t.register("get-service-port-forward", this::portForward, GetServicePortForward.class);
    t.register("get-host-info", this::hostInfo, GetHostInfo.class);
    t.register(
        "export-service-interface", this::exportInterface, ExportServiceInterfaceParams.class);
    t.register("get-service-interface", this::serviceInterface, GetServiceInterface.class);
    t.register("list-service-interfaces", this::listInterfaces, Read.class);
    t.register("clear-service-interfaces", this::clearInterfaces, ClearServiceInterfaces.class);
  }

  private JsonNode portForward(EffectCall c, GetServicePortForward p) {
    String hostId = p.hostId();
    int port = p.internalPort();
    return db.get(hostPointer(p.target(c), hostId) + "/bindings/" + port + "/net")
        .orElseThrow(() ->
            new RpcException(
                ErrorKind.NOT_FOUND,
                "host " + hostId + " of " + p.target(c) + " has no binding for port " + port));
  }

  private JsonNode hostInfo(EffectCall c, GetHostInfo p) {
    String pointer = hostPointer(p.target(c), p.hostId());
    return watches.answer(
        c.packageId(), p.callback(), () -> db.get(pointer).orElse(NODES.nullNode()));
  }

  private JsonNode serviceInterface(EffectCall c, GetServiceInterface p) {
    String id = p.serviceInterfaceId();
    String pkg = p.target(c);
    return watches.answer(
        c.packageId(),
        p.callback(),
        () ->
            interfaces(pkg).path(id).isMissingNode() ? NODES.nullNode() : interfaces(pkg).get(id));
  }

  private JsonNode listInterfaces(EffectCall c, Read p) {
    String pkg = p.target(c);
    return watches.answer(c.packageId(), p.callback(), () -> interfaces(pkg));
  }

  private JsonNode clearInterfaces(EffectCall c, ClearServiceInterfaces p) {
    Set<String> keep = new HashSet<>(p.except());
    db.mutate(root -> {
      forEachBinding(
          PackageData.require(root, c.packageId()),
          b -> PackageData.object(b, "interfaces").retain(keep));
      return null;
    });
    return NODES.nullNode();
  }

  private static String hostPointer(String pkg, String hostId) {
    return PackageData.pointer(pkg) + "/hosts/" + hostId;
  }

  private JsonNode bind(EffectCall c, BindParams p) {
    String hostId = p.id();
    int internal = p.internalPort();
    int preferred = p.preferredExternalPort();
    JsonNode addSsl = p.addSsl().orElse(NODES.nullNode());
    JsonNode secure = p.secure().orElse(NODES.nullNode());
    // stored as StartOS reads them: its fields only (the SDK sends more)
    ObjectNode options = NODES.objectNode();
    options.put("preferredExternalPort", preferred);
    options.set("addSsl", addSsl.isNull() ? NODES.nullNode() : EntryShape.addSsl(addSsl));
    options.set("secure", secure.isNull() ? NODES.nullNode() : EntryShape.secure(secure));
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
      binding.set("addresses", EntryShape.addresses());
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

  private JsonNode clearBindings(EffectCall c, ClearBindings p) {
    Set<String> keep = new HashSet<>();
    for (NetParams.BindingId e : p.except()) {
      keep.add(e.id() + ":" + e.internalPort());
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

  private JsonNode exportInterface(EffectCall c, ExportServiceInterfaceParams p) {
    String id = p.id();
    String hostId = p.addressInfo().hostId();
    int internal = p.addressInfo().internalPort();
    // kept as the package sent it: the UI reads every field of T.AddressInfo
    JsonNode addressInfo = c.raw().path("addressInfo");
    ObjectNode iface = NODES.objectNode();
    iface.put("id", id);
    iface.put("name", p.name());
    iface.put("description", p.description().orElse(""));
    iface.put("masked", p.masked().orElse(false));
    iface.set("addressInfo", addressInfo.deepCopy());
    iface.put("type", EffectParams.wireName(p.type()));
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
