package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Reactive reads: a package that passed a callback id with a read is told once, through {@code
 * callback {id, args}} on service.sock, when the value it read changes. A package holds at most
 * {@link EffectLimits#MAX_WATCHES} callbacks at once: each keeps a copy of what it read, and every
 * database change re-reads them all. Thread-safe.
 */
public final class Watches {
  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);

  private record Watch(long callbackId, Supplier<JsonNode> read, JsonNode seen) {}

  private final ServiceHost host;
  private final Map<String, Map<Long, Watch>> byPackage = new ConcurrentHashMap<>();

  public Watches(ServiceHost host) {
    this.host = host;
  }

  /**
   * Remembers what the package saw; {@link #recheck} fires the callback when it changes.
   *
   * @throws RpcException when the package already holds {@link EffectLimits#MAX_WATCHES}
   */
  void watch(String packageId, long callbackId, Supplier<JsonNode> read, JsonNode seen) {
    Map<Long, Watch> mine = byPackage.computeIfAbsent(packageId, k -> new ConcurrentHashMap<>());
    synchronized (mine) {
      if (!mine.containsKey(callbackId) && mine.size() >= EffectLimits.MAX_WATCHES) {
        throw new RpcException(
            ErrorKind.INVALID_REQUEST,
            packageId
                + " already has "
                + EffectLimits.MAX_WATCHES
                + " callbacks registered; clear some with clear-callbacks before registering more");
      }
      mine.put(callbackId, new Watch(callbackId, read, seen.deepCopy()));
    }
  }

  /** Answers a watchable read, remembering the callback when the package passed one. */
  JsonNode answer(String packageId, Optional<Long> callback, Supplier<JsonNode> read) {
    JsonNode value = read.get();
    callback.ifPresent(id -> watch(packageId, id, read, value));
    return value;
  }

  /** Re-reads every watched value and fires (then forgets) the callbacks of changed ones. */
  public void recheck() {
    for (Map.Entry<String, Map<Long, Watch>> p : List.copyOf(byPackage.entrySet())) {
      Map<Long, Watch> mine = p.getValue();
      for (Watch w : List.copyOf(mine.values())) {
        JsonNode now;
        try {
          now = w.read().get();
        } catch (RuntimeException ex) {
          now = JsonNodeFactory.instance.nullNode();
        }
        if (!now.equals(w.seen()) && mine.remove(w.callbackId(), w)) {
          LOG.debug("{}: watched value changed, firing callback {}", p.getKey(), w.callbackId());
          host.fireCallback(p.getKey(), w.callbackId(), JsonNodeFactory.instance.arrayNode());
        }
      }
    }
  }

  /** Drops the package's callbacks: all, those in {@code only}, or all but {@code except}. */
  void clear(String packageId, Set<Long> ids, boolean only) {
    Map<Long, Watch> mine = byPackage.get(packageId);
    if (mine != null) {
      mine.keySet().removeIf(id -> ids.contains(id) == only);
    }
  }

  /** Forgets every callback of a package whose runtime went away. */
  public void forget(String packageId) {
    byPackage.remove(packageId);
  }

  public int size() {
    return byPackage.values().stream().mapToInt(Map::size).sum();
  }
}
