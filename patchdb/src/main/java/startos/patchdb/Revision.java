package startos.patchdb;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * One committed change: {@code id} counts non-empty patches since the database was created and
 * {@code patch} holds RFC 6902 add/remove/replace operations. Serializes with Jackson as {@code
 * {"id": n, "patch": [...]}}, the StartOS wire form. The patch is a mutable Jackson node: callers
 * that receive one own it and must not share it across threads while changing it.
 */
public record Revision(long id, ArrayNode patch) {
  public Revision {
    if (id < 0) {
      throw new PatchDbException("revision id must be non-negative, got " + id);
    }
    if (patch == null) {
      throw new PatchDbException("revision " + id + " has no patch");
    }
  }

  /** This revision as a subscriber of {@code pointer} sees it (possibly with an empty patch). */
  public Revision scoped(JsonPointer pointer) {
    return new Revision(id, JsonPatches.scope(patch, pointer));
  }
}
