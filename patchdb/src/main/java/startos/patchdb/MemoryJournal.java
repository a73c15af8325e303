package startos.patchdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/** The journal of {@link PatchDb#inMemory()}: counts revisions, stores nothing. */
final class MemoryJournal implements Journal {
  private final AtomicLong written = new AtomicLong();

  @Override
  public long append(Revision revision) {
    return written.incrementAndGet();
  }

  @Override
  public long writtenEnd() {
    return written.get();
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
