package startos.patchdb;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where committed revisions go. Positions are logical byte offsets that only grow; {@link PatchDb}
 * calls {@link #append} and {@link #compact} under its write lock and {@link #force} under its sync
 * lock, so implementations need no locking of their own beyond publishing {@link #writtenEnd}.
 */
sealed interface Journal extends AutoCloseable permits MemoryJournal, FileJournal {
  /** Writes the revision (not yet durably) and returns the position just past it. */
  long append(Revision revision);

  /** The position just past the last appended revision; safe to read from any thread. */
  long writtenEnd();

  /** Makes everything appended so far durable. */
  void force();

  /** True once enough has been logged since the last snapshot. */
  boolean wantsCompaction();

  /** Replaces the log with a snapshot of {@code root} at revision {@code id}; all is forced. */
  void compact(long id, ObjectNode root);

  @Override
  void close();
}
