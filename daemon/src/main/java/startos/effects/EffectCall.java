package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One effect request from a package's runtime. The params are decoded once into the effect's record
 * ({@link EffectTable#register(String, EffectTable.Typed, Class)}); {@code raw} stays for values
 * stored exactly as sent.
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
}
