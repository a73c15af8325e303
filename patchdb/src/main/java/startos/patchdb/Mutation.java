package startos.patchdb;

import java.util.Optional;

/**
 * What {@link PatchDb#mutate} returns: the change function's {@code result}, the {@code revision}
 * it committed (empty when it changed nothing) and the database {@code sequence} right after, which
 * StartOS sends as {@code X-Patch-Sequence}.
 */
public record Mutation<R>(R result, Optional<Revision> revision, long sequence) {
  public Mutation {
    if (revision == null) {
      throw new PatchDbException("mutation revision must be Optional.empty(), not null");
    }
    if (sequence < 0) {
      throw new PatchDbException("sequence must be non-negative, got " + sequence);
    }
  }
}
