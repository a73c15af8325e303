package startos.patchdb;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The journal of {@link PatchDb#inMemory()}: counts revisions, stores nothing. */
final class MemoryJournal implements Journal {
  private volatile long written;

  @Override
  public long append(Revision revision) {
    written = written + 1;
    return written;
  }

  @Override
  public long writtenEnd() {
    return written;
  }

  @Override
  public void force() {}

  @Override
  public boolean wantsCompaction() {
    return false;
  }

  @Override
  public void compact(long id, ObjectNode root) {}

  @Override
  public void close() {}
}
