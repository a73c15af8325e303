package startos.effects;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared JSON mapper of the service layer. */
public final class EffectsJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private EffectsJson() {}
}
