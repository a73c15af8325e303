package startos.rpc;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The table of JSON-RPC methods by StartOS name, each with its access rule. */
public final class RpcRouter {
  /** A registered method. */
  public record Route(String name, Access access, RpcMethod method) {}

  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  /** Registers a method; a name may be registered once. */
  public RpcRouter register(String name, Access access, RpcMethod method) {
    Route previous = routes.putIfAbsent(name, new Route(name, access, method));
    if (previous != null) {
      throw new IllegalStateException("method registered twice: " + name);
    }
    return this;
  }

  /** Registers a method that needs a session. */
  public RpcRouter register(String name, RpcMethod method) {
    return register(name, Access.SESSION, method);
  }

  public Optional<Route> route(String name) {
    return Optional.ofNullable(routes.get(name));
  }

  /** All routes, sorted by name. */
  public Map<String, Route> routes() {
    return new TreeMap<>(routes);
  }
}
