package startos.container;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * An in-memory {@link ContainerBackend} for unit tests of code that drives containers (the service
 * lifecycle, effects, health checks). It keeps the same rules as the real backend where a caller
 * would notice: starting a running container fails, exec needs a running container, a host port can
 * be forwarded once, addresses are stable per id. Every call is recorded in {@link #calls}.
 */
public final class FakeContainerBackend implements ContainerBackend {
  private final Subnet subnet = Subnet.parse("10.209.0.1/24");
  private final Map<String, ContainerSpec> specs = new ConcurrentHashMap<>();
  private final Map<String, ContainerState> states = new ConcurrentHashMap<>();
  private final Map<String, Integer> hosts = new ConcurrentHashMap<>();
  private final List<PortForward> forwards = new ArrayList<>();
  private volatile BiFunction<String, ExecRequest, ExecResult> execHandler =
      (id, request) -> new ExecResult(0, "", "");

  /** Calls in order, e.g. {@code "start svc"}, {@code "stop svc PT30S"}, {@code "exec svc ls"}. */
  public final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Decides what {@code exec} returns; the default answers exit 0 with no output. */
  public FakeContainerBackend onExec(BiFunction<String, ExecRequest, ExecResult> handler) {
    this.execHandler = handler;
    return this;
  }

  /** Simulates the container's init dying on its own. */
  public void crash(String id) {
    states.computeIfPresent(id, (k, v) -> ContainerState.STOPPED);
  }

  /** The spec the container was last started with. */
  public Optional<ContainerSpec> spec(String id) {
    return Optional.ofNullable(specs.get(id));
  }

  @Override
  public synchronized void start(ContainerSpec spec) {
    calls.add("start " + spec.id());
    if (states.get(spec.id()) == ContainerState.RUNNING) {
      throw new ContainerException("container " + spec.id() + " is already running");
    }
    if (hosts.get(spec.id()) == null) {
      hosts.put(spec.id(), hosts.size() + 2);
    }
    specs.put(spec.id(), spec);
    states.put(spec.id(), ContainerState.RUNNING);
  }

  @Override
  public void stop(String id, Duration timeout) {
    calls.add("stop " + id + " " + timeout);
    states.computeIfPresent(id, (k, v) -> ContainerState.STOPPED);
  }

  @Override
  public synchronized void destroy(String id) {
    calls.add("destroy " + id);
    states.remove(id);
    specs.remove(id);
    ip(id).ifPresent(ip -> forwards.removeIf(f -> f.containerIp().equals(ip)));
  }

  @Override
  public void releaseAddress(String id) {
    calls.add("releaseAddress " + id);
    if (states.containsKey(id)) {
      throw new ContainerException(
          "container " + id + " still exists; destroy it before releasing its address");
    }
    hosts.remove(id);
  }

  @Override
  public ContainerState state(String id) {
    return states.getOrDefault(id, ContainerState.ABSENT);
  }

  @Override
  public Optional<Inet4Address> ip(String id) {
    return Optional.ofNullable(hosts.get(id)).map(subnet::host);
  }

  @Override
  public List<String> containers() {
    return List.copyOf(new TreeMap<>(states).keySet());
  }

  @Override
  public ExecResult exec(String id, ExecRequest request) {
    calls.add("exec " + id + " " + String.join(" ", request.command()));
    if (state(id) != ContainerState.RUNNING) {
      throw new ContainerException(
          "cannot exec in container "
              + id
              + ": it is "
              + state(id).name().toLowerCase(java.util.Locale.ROOT));
    }
    return execHandler.apply(id, request);
  }

  @Override
  public ResourceUsage usage(String id) {
    if (state(id) != ContainerState.RUNNING) {
      throw new ContainerException("container " + id + " is not running");
    }
    long limit = specs.get(id).limits().memoryBytes();
    return new ResourceUsage(1 << 20, limit == 0 ? Long.MAX_VALUE : limit, 1, 0, 3 << 20);
  }

  @Override
  public synchronized void applyLimits(String id, Limits limits) {
    calls.add("limits " + id + " " + limits);
    if (state(id) != ContainerState.RUNNING) {
      throw new ContainerException("container " + id + " is not running");
    }
    specs.put(id, specs.get(id).withLimits(limits));
  }

  @Override
  public synchronized Limits limitsInForce(String id) {
    if (state(id) != ContainerState.RUNNING) {
      throw new ContainerException("container " + id + " is not running");
    }
    return specs.get(id).limits();
  }

  @Override
  public synchronized void forward(PortForward forward) {
    calls.add("forward " + forward);
    for (PortForward f : forwards) {
      if (f.equals(forward)) {
        return;
      }
      if (f.protocol() == forward.protocol() && f.hostPort() == forward.hostPort()) {
        throw new ContainerException(
            "cannot forward " + forward + ": host port is already forwarded (" + f + ")");
      }
    }
    forwards.add(forward);
  }

  @Override
  public synchronized void unforward(PortForward forward) {
    calls.add("unforward " + forward);
    forwards.remove(forward);
  }

  @Override
  public synchronized List<PortForward> forwards() {
    return List.copyOf(forwards);
  }

  @Override
  public synchronized void cleanupAll() {
    calls.add("cleanupAll");
    states.clear();
    specs.clear();
    forwards.clear();
  }
}
