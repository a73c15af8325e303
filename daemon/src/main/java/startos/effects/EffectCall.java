package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import startos.rpc.Params;

/**
 * One effect request from a package's runtime.
 *
 * @param packageId the package whose host.sock received it
 * @param method the kebab-case effect name
 * @param raw the params object as sent
 * @param eventId the runtime's event id when the call belongs to one
 */
public record EffectCall(String packageId, String method, JsonNode raw, Optional<String> eventId) {
  public EffectCall {
    Objects.requireNonNull(packageId, "packageId");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(raw, "raw");
  }

  /** Typed access to the params; mismatches are -32602 errors naming the parameter. */
  public Params params() {
    return Params.of(raw);
  }

  /** The package a cross-package read targets: {@code packageId} when given, else the caller. */
  public String targetPackage() {
    return params().optionalString("packageId").orElse(packageId);
  }

  /** The callback id a watchable read registered, if any. */
  public Optional<Long> callback() {
    return params().optionalLong("callback");
  }
}
