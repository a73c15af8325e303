package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The value at some pointer as of revision {@code id}; JSON null when nothing is there. Serializes
 * with Jackson as {@code {"id": n, "value": ...}}.
 */
public record Dump(long id, JsonNode value) {
  public Dump {
    if (id < 0) {
      throw new PatchDbException("dump id must be non-negative, got " + id);
    }
    if (value == null) {
      throw new PatchDbException("dump " + id + " has no value (use JSON null)");
    }
  }
}
