package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import startos.effects.ControlParams.Read;
import startos.effects.NetParams.BindParams;
import startos.effects.NetParams.ClearBindings;
import startos.effects.NetParams.ClearServiceInterfaces;
import startos.effects.NetParams.ExportServiceInterfaceParams;
import startos.effects.NetParams.GetHostInfo;
import startos.effects.NetParams.GetServiceInterface;
import startos.effects.NetParams.GetServicePortForward;
import startos.model.BindInfo;
import startos.model.BindOptions;
import startos.model.Database;
import startos.model.DbTx;
import startos.model.DerivedAddressInfo;
import startos.model.Host;
import startos.model.ModelJson;
import startos.model.NetInfo;
import startos.model.PackageDataEntry;
import startos.model.ServiceInterface;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Bindings and interfaces, recorded in the package entry's {@link Host}s: each binding gets
 * external ports and a real port forward from the host to the container.
 */
final class NetEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A forward to add or remove once the database change is committed. */
  record ForwardChange(boolean add, int hostPort, int internalPort) {}

  private final Database db;
  private final ServiceHost host;
  private final Watches watches;

  NetEffects(Database db, ServiceHost host, Watches watches) {
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
    return hosts(p.target(c))
        .map(hosts -> hosts.get(hostId))
        .map(h -> h.bindings().get(port))
        .map(b -> ModelJson.encode(b.net()))
        .orElseThrow(() ->
            new RpcException(
                ErrorKind.NOT_FOUND,
                "host " + hostId + " of " + p.target(c) + " has no binding for port " + port));
  }

  private JsonNode hostInfo(EffectCall c, GetHostInfo p) {
    String pkg = p.target(c);
    String hostId = p.hostId();
    return watches.answer(
        c.packageId(),
        p.callback(),
        () ->
            hosts(pkg)
                .map(hosts -> hosts.get(hostId))
                .map(ModelJson::encode)
                .orElse(NODES.nullNode()));
  }

  private JsonNode serviceInterface(EffectCall c, GetServiceInterface p) {
    String id = p.serviceInterfaceId();
    String pkg = p.target(c);
    return watches.answer(
        c.packageId(),
        p.callback(),
        () ->
            Optional.ofNullable(interfaces(pkg).get(id))
                .map(ModelJson::encode)
                .orElse(NODES.nullNode()));
  }

  private JsonNode listInterfaces(EffectCall c, Read p) {
    String pkg = p.target(c);
    return watches.answer(c.packageId(), p.callback(), () -> ModelJson.encode(interfaces(pkg)));
  }

  private JsonNode clearInterfaces(EffectCall c, ClearServiceInterfaces p) {
    Set<String> keep = new HashSet<>(p.except());
    db.mutate(tx -> {
      updateBindings(
          tx,
          c.packageId(),
          b -> b.withInterfaces(filter(b.interfaces(), id -> keep.contains(id))));
      return null;
    });
    return NODES.nullNode();
  }

  private JsonNode bind(EffectCall c, BindParams p) {
    String hostId = p.id();
    int internal = p.internalPort();
    // stored as StartOS reads them: its fields only (the SDK sends more)
    BindOptions options =
        new BindOptions(p.preferredExternalPort(), p.sslOptions(), p.securityOptions());
    List<ForwardChange> changes = new ArrayList<>();
    // read before taking the database lock: /proc is the host's, the moment of asking is enough
    // because HostNetwork checks again when it installs the forward
    Set<Integer> reserved = host.reservedHostPorts();
    db.mutate(tx -> {
      PackageDataEntry entry = tx.requirePackage(c.packageId());
      Map<String, Host> hosts = entry.hosts();
      if (!hosts.containsKey(hostId)) {
        // clear-bindings keeps hosts (the user's domains live there): count them apart
        EffectLimits.requireBelow(
            hosts.size(),
            EffectLimits.MAX_HOSTS,
            "hosts",
            "bind new ports under the ids of existing hosts");
      }
      Host h = hosts.getOrDefault(hostId, Host.empty());
      BindInfo old = h.bindings().get(internal);
      if (old != null && old.options().equals(options)) {
        return null;
      }
      if (old == null) {
        EffectLimits.requireBelow(
            countBindings(entry),
            EffectLimits.MAX_BINDINGS,
            "port bindings",
            "remove some with clear-bindings before adding more");
      }
      PortAllocator ports = new PortAllocator(tx, reserved);
      if (old != null) {
        release(ports, old, internal, changes);
      }
      Optional<Integer> sslPort =
          options.addSsl().map(ssl -> ports.preferredOrAny(ssl.preferredExternalPort(), true));
      boolean secureSsl = options.secure().map(BindOptions.Security::ssl).orElse(false);
      Optional<Integer> plainPort = Optional.empty();
      if (!(secureSsl && options.addSsl().isPresent())) {
        int plain = ports.preferredOrAny(options.preferredExternalPort(), false);
        plainPort = Optional.of(plain);
        changes.add(new ForwardChange(true, plain, internal));
      }
      BindInfo binding =
          new BindInfo(
              true,
              options,
              new NetInfo(plainPort, sslPort),
              DerivedAddressInfo.NONE,
              old == null ? Map.of() : old.interfaces());
      Host updated = h.withBindings(ModelJson.with(h.bindings(), internal, binding));
      tx.putPackage(c.packageId(), entry.withHosts(ModelJson.with(entry.hosts(), hostId, updated)));
      return null;
    });
    apply(c.packageId(), changes);
    return NODES.nullNode();
  }

  private static int countBindings(PackageDataEntry entry) {
    return entry.hosts().values().stream().mapToInt(h -> h.bindings().size()).sum();
  }

  private static void release(
      PortAllocator ports, BindInfo binding, int internal, List<ForwardChange> changes) {
    binding
        .net()
        .assignedPort()
        .ifPresent(port -> {
          ports.release(port);
          changes.add(new ForwardChange(false, port, internal));
        });
    binding.net().assignedSslPort().ifPresent(ports::release);
  }

  private JsonNode clearBindings(EffectCall c, ClearBindings p) {
    Set<String> keep = new HashSet<>();
    for (NetParams.BindingId e : p.except()) {
      keep.add(e.id() + ":" + e.internalPort());
    }
    List<ForwardChange> changes = new ArrayList<>();
    db.mutate(tx -> {
      PackageDataEntry entry = tx.requirePackage(c.packageId());
      PortAllocator ports = new PortAllocator(tx);
      Map<String, Host> hosts = new LinkedHashMap<>();
      for (Map.Entry<String, Host> h : entry.hosts().entrySet()) {
        Map<Integer, BindInfo> kept = new LinkedHashMap<>();
        for (Map.Entry<Integer, BindInfo> b : h.getValue().bindings().entrySet()) {
          if (keep.contains(h.getKey() + ":" + b.getKey())) {
            kept.put(b.getKey(), b.getValue());
          } else {
            release(ports, b.getValue(), b.getKey(), changes);
          }
        }
        hosts.put(h.getKey(), h.getValue().withBindings(kept));
      }
      tx.putPackage(c.packageId(), entry.withHosts(hosts));
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
    ServiceInterface iface =
        new ServiceInterface(
            id,
            p.name(),
            p.description().orElse(""),
            p.masked().orElse(false),
            p.fullAddressInfo(),
            EffectParams.wireName(p.type()));
    EffectLimits.requireStorable(ModelJson.encode(iface), "service interface " + id);
    db.mutate(tx -> {
      PackageDataEntry entry = tx.requirePackage(c.packageId());
      Set<String> ids = new HashSet<>();
      forEachBinding(entry, b -> ids.addAll(b.interfaces().keySet()));
      if (!ids.contains(id)) {
        EffectLimits.requireBelow(
            ids.size(),
            EffectLimits.MAX_INTERFACES,
            "service interfaces",
            "remove some with clear-service-interfaces before adding more");
      }
      Host target = entry.hosts().get(hostId);
      if (target == null || !target.bindings().containsKey(internal)) {
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
      // an id lives on one binding: moving it drops it from the one it was on
      updateBindings(
          tx,
          c.packageId(),
          b -> b.withInterfaces(filter(b.interfaces(), other -> !other.equals(id))));
      PackageDataEntry now = tx.requirePackage(c.packageId());
      Host h = now.hosts().get(hostId);
      BindInfo b = h.bindings().get(internal);
      BindInfo exported = b.withInterfaces(ModelJson.with(b.interfaces(), id, iface));
      tx.putPackage(
          c.packageId(),
          now.withHosts(
              ModelJson.with(
                  now.hosts(),
                  hostId,
                  h.withBindings(ModelJson.with(h.bindings(), internal, exported)))));
      return null;
    });
    return NODES.nullNode();
  }

  private Optional<Map<String, Host>> hosts(String pkg) {
    return db.packageEntry(pkg).map(PackageDataEntry::hosts);
  }

  /** Every interface of the package's bindings, by id. */
  private Map<String, ServiceInterface> interfaces(String pkg) {
    Map<String, ServiceInterface> out = new LinkedHashMap<>();
    db.packageEntry(pkg).ifPresent(e -> forEachBinding(e, b -> out.putAll(b.interfaces())));
    return out;
  }

  private static void forEachBinding(
      PackageDataEntry entry, java.util.function.Consumer<BindInfo> f) {
    for (Host h : entry.hosts().values()) {
      h.bindings().values().forEach(f);
    }
  }

  /** Replaces every binding of the package's hosts by {@code change(binding)}. */
  private static void updateBindings(DbTx tx, String pkg, UnaryOperator<BindInfo> change) {
    PackageDataEntry entry = tx.requirePackage(pkg);
    Map<String, Host> hosts = new LinkedHashMap<>();
    for (Map.Entry<String, Host> h : entry.hosts().entrySet()) {
      Map<Integer, BindInfo> bindings = new LinkedHashMap<>();
      h.getValue().bindings().forEach((port, b) -> bindings.put(port, change.apply(b)));
      hosts.put(h.getKey(), h.getValue().withBindings(bindings));
    }
    tx.putPackage(pkg, entry.withHosts(hosts));
  }

  private static <V> Map<String, V> filter(
      Map<String, V> map, java.util.function.Predicate<String> keep) {
    Map<String, V> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (keep.test(k)) {
        out.put(k, v);
      }
    });
    return out;
  }
}
