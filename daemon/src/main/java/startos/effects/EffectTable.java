package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The effects a host answers, by kebab-case name. Thread-safe. */
public final class EffectTable {
  /**
   * Every effect the SDK's runtime may call (container-runtime/README.md). Names registered here
   * run their implementation; the rest answer {@code not implemented: <name>}.
   */
  public static final java.util.List<String> SDK_EFFECTS =
      java.util.List.of(
          "clear-callbacks",
          "action.export",
          "action.clear",
          "action.get-input",
          "action.run",
          "action.create-task",
          "action.clear-tasks",
          "restart",
          "shutdown",
          "get-status",
          "set-main-status",
          "set-dependencies",
          "get-dependencies",
          "check-dependencies",
          "mount",
          "get-installed-packages",
          "get-service-manifest",
          "set-backup-progress",
          "set-init-progress",
          "set-health",
          "notification.create",
          "subcontainer.create-fs",
          "subcontainer.destroy-fs",
          "bind",
          "bind-range",
          "get-service-port-forward",
          "clear-bindings",
          "get-host-info",
          "get-container-ip",
          "get-os-ip",
          "get-outbound-gateway",
          "export-service-interface",
          "export-range-service-interface",
          "get-service-interface",
          "list-service-interfaces",
          "clear-service-interfaces",
          "plugin.url.register",
          "plugin.url.export-url",
          "plugin.url.clear-urls",
          "get-ssl-certificate",
          "get-ssl-key",
          "set-data-version",
          "get-data-version",
          "get-system-smtp");

  private final Map<String, Effect> effects = new ConcurrentHashMap<>();

  public EffectTable register(String name, Effect effect) {
    if (effects.putIfAbsent(name, effect) != null) {
      throw new IllegalStateException("effect registered twice: " + name);
    }
    return this;
  }

  /**
   * An effect whose params are decoded into the record {@code P} (named as the SDK's type) before
   * it runs; bad params never reach {@code method}.
   */
  @FunctionalInterface
  interface Typed<P> {
    JsonNode call(EffectCall call, P params);
  }

  <P> EffectTable register(String name, Typed<P> method, Class<P> params) {
    return register(name, c -> method.call(c, EffectParams.decode(c.raw(), params)));
  }

  public Optional<Effect> effect(String name) {
    return Optional.ofNullable(effects.get(name));
  }

  /** The SDK effects without an implementation here, for the README. */
  public java.util.List<String> notImplemented() {
    return SDK_EFFECTS.stream().filter(n -> !effects.containsKey(n)).toList();
  }

  /** Registered names, sorted. */
  public java.util.Set<String> names() {
    return new TreeMap<String, Effect>(effects).keySet();
  }

  /** Convenience for effects whose answer is always JSON null. */
  static JsonNode nothing() {
    return com.fasterxml.jackson.databind.node.NullNode.getInstance();
  }
}
