package startos.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import startos.container.ContainerBackend;
import startos.container.ContainerException;
import startos.container.ContainerState;
import startos.container.Limits;
import startos.container.ResourceUsage;
import startos.model.Database;
import startos.model.ServiceLimits;
import startos.model.Slots;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.service.ServiceManager;

/**
 * {@code package.stats} and {@code package.set-limits}. The admin (an authenticated RPC caller) is
 * the trusted side; the numbers come from the host's cgroup and sysfs files, which the package
 * cannot change.
 */
public final class PackageResources {
  /** Below this a container cannot even run the runtime's node (as startd's own default). */
  static final long MIN_MEMORY = 64L << 20;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ServiceManager services;
  private final ContainerBackend backend;
  private final Database db;

  public PackageResources(ServiceManager services, ContainerBackend backend, Database db) {
    this.services = services;
    this.backend = backend;
    this.db = db;
  }

  public void register(RpcRouter r) {
    r.register("package.stats", (p, c) -> stats(id(p)));
    r.register("package.set-limits", (p, c) -> setLimits(id(p), Params.of(p)));
  }

  /** Usage and limits of {@code id}'s running container. */
  JsonNode stats(String id) {
    Limits configured = services.limits(id); // also: not installed → NOT_FOUND
    requireRunning(id);
    ResourceUsage u;
    Limits inForce;
    try {
      u = backend.usage(id);
      inForce = backend.limitsInForce(id);
    } catch (ContainerException e) {
      throw notRunning(id);
    }
    ObjectNode o = NODES.objectNode();
    o.putObject("cpu").put("usageNanos", u.cpuNanos());
    ObjectNode mem = o.putObject("memory").put("usageBytes", u.memoryBytes());
    if (u.memoryLimitBytes() == Long.MAX_VALUE) {
      mem.putNull("limitBytes");
    } else {
      mem.put("limitBytes", u.memoryLimitBytes());
    }
    o.putObject("pids").put("current", u.processes());
    o.putObject("network").put("rxBytes", u.netRxBytes()).put("txBytes", u.netTxBytes());
    o.putObject("blockIo")
        .put("readBytes", u.blockReadBytes())
        .put("writeBytes", u.blockWriteBytes());
    o.set("limits", json(inForce));
    o.set("configured", json(configured));
    return o;
  }

  /**
   * Stores the admin's limits for {@code id} and applies them to its running container. Each absent
   * field keeps its value; {@code reset} returns to startd's defaults first. The kernel's refusal
   * (memory below what the container uses) changes nothing, neither cgroup nor DB.
   */
  synchronized JsonNode setLimits(String id, Params p) {
    services.limits(id); // not installed → NOT_FOUND before anything is stored
    ServiceLimits stored =
        p.bool("reset", false)
            ? ServiceLimits.DEFAULTS
            : db.read(Slots.SERVICE_LIMITS).getOrDefault(id, ServiceLimits.DEFAULTS);
    ServiceLimits asked =
        new ServiceLimits(
            p.optionalLong("memoryBytes"),
            integer(p, "maxPids"),
            integer(p, "cpuShares"),
            integer(p, "cpuMillis"));
    ServiceLimits next = stored.with(asked);
    next.memoryBytes()
        .filter(m -> m != 0 && m < MIN_MEMORY)
        .ifPresent(m -> {
          throw new RpcException(
              ErrorKind.INVALID_REQUEST,
              "a memory limit of "
                  + m
                  + " bytes is too small to run the container runtime (at least 64 MiB, or 0 for"
                  + " none)");
        });
    Limits limits;
    try {
      limits = services.limitsWith(next);
    } catch (ContainerException e) {
      throw new RpcException(ErrorKind.INVALID_REQUEST, e.getMessage());
    }
    if (backend.state(id) == ContainerState.RUNNING) {
      try {
        backend.applyLimits(id, limits);
      } catch (ContainerException e) {
        // put back what was in force, then tell why nothing changed
        backend.applyLimits(id, services.limits(id));
        throw new RpcException(ErrorKind.LXC, e.getMessage());
      }
    }
    db.update(
        Slots.SERVICE_LIMITS,
        all -> {
          Map<String, ServiceLimits> copy = new LinkedHashMap<>(all);
          copy.put(id, next);
          return copy;
        });
    return json(limits);
  }

  private void requireRunning(String id) {
    if (backend.state(id) != ContainerState.RUNNING) {
      throw notRunning(id);
    }
  }

  private static RpcException notRunning(String id) {
    return new RpcException(
        ErrorKind.NOT_FOUND,
        "the container of " + id + " is not running, so it uses nothing (start it first)");
  }

  private static ObjectNode json(Limits l) {
    ObjectNode o = NODES.objectNode();
    o.put("memoryBytes", l.memoryBytes());
    o.put("maxPids", l.maxPids());
    o.put("cpuShares", l.cpuShares());
    o.put("cpuMillis", l.cpuMillis());
    return o;
  }

  private static Optional<Integer> integer(Params p, String name) {
    return p.optionalLong(name)
        .map(v -> {
          if (v < 0 || v > Integer.MAX_VALUE) {
            throw ProtocolException.invalidParams(
                name + " must be between 0 and " + Integer.MAX_VALUE);
          }
          return v.intValue();
        });
  }

  private static String id(JsonNode p) {
    String id = Params.of(p).string("id");
    if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw ProtocolException.invalidParams("'" + id + "' is not a package id");
    }
    return id;
  }
}
