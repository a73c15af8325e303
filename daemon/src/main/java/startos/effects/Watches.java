package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reactive reads: a package that passed a callback id with a read is told once, through {@code
 * callback {id, args}} on service.sock, when the value it read changes. Thread-safe.
 */
public final class Watches {
  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);

  private record Watch(String packageId, long callbackId, Supplier<JsonNode> read, JsonNode seen) {}

  private record Key(String packageId, long callbackId) {}

  private final ServiceHost host;
  private final Map<Key, Watch> watches = new ConcurrentHashMap<>();

  public Watches(ServiceHost host) {
    this.host = host;
  }

  /** Remembers what the package saw; {@link #recheck} fires the callback when it changes. */
  void watch(String packageId, long callbackId, Supplier<JsonNode> read, JsonNode seen) {
    watches.put(
        new Key(packageId, callbackId), new Watch(packageId, callbackId, read, seen.deepCopy()));
  }

  /** Re-reads every watched value and fires (then forgets) the callbacks of changed ones. */
  public void recheck() {
    for (Map.Entry<Key, Watch> e : List.copyOf(watches.entrySet())) {
      Watch w = e.getValue();
      JsonNode now;
      try {
        now = w.read().get();
      } catch (RuntimeException ex) {
        now = JsonNodeFactory.instance.nullNode();
      }
      if (!now.equals(w.seen()) && watches.remove(e.getKey(), w)) {
        LOG.debug("{}: watched value changed, firing callback {}", w.packageId(), w.callbackId());
        host.fireCallback(w.packageId(), w.callbackId(), JsonNodeFactory.instance.arrayNode());
      }
    }
  }

  /** Drops the package's callbacks: all, those in {@code only}, or all but {@code except}. */
  void clear(String packageId, Set<Long> ids, boolean only) {
    watches
        .keySet()
        .removeIf(k -> k.packageId().equals(packageId) && ids.contains(k.callbackId()) == only);
  }

  /** Forgets every callback of a package whose runtime went away. */
  public void forget(String packageId) {
    watches.keySet().removeIf(k -> k.packageId().equals(packageId));
  }

  public int size() {
    return watches.size();
  }
}
