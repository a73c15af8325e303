package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The StartOS state database: one JSON object {@code {public, private}} whose every committed
 * change is a numbered {@link Revision}.
 *
 * <p>Threading: all methods are thread-safe. Mutations are serialized; each runs its change on a
 * private copy, logs the diff, and returns only once the log is fsync'd. Concurrent writers share
 * fsyncs (group commit). Readers ({@link #dump}, {@link #get}, {@link #sequence}) never block on
 * writers and see only durable revisions; subscribers receive revisions in id order once durable.
 */
public final class PatchDb implements AutoCloseable {
  private static final System.Logger LOGGER = System.getLogger(PatchDb.class.getName());

  /** A durable state: revision {@code id} and its root, never modified after publication. */
  private record State(long id, ObjectNode root) {}

  /** A revision written to the journal but not yet known to be durable. */
  private record Pending(Revision revision, ObjectNode root, long end) {}

  private final Journal journal;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Object publishLock = new Object();
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final List<Subscription> subscribers = new ArrayList<>();
  private ObjectNode head;
  private long headId;
  private long durableEnd;
  private volatile State visible;
  private volatile boolean closed;

  private PatchDb(Journal journal, long id, ObjectNode root) {
    this.journal = journal;
    this.head = root;
    this.headId = id;
    this.durableEnd = journal.writtenEnd();
    this.visible = new State(id, root);
  }

  /** Opens (creating if new) the durable database in {@code dir} with default options. */
  public static PatchDb open(Path dir) {
    return open(dir, PatchDbOptions.defaults());
  }

  /**
   * Opens (creating if new) the durable database in {@code dir}. A torn tail left by a crash is
   * dropped; any other damage, an unwritable directory, or another process holding the database
   * fails with a {@link PatchDbException} that names the file, and nothing on disk is changed.
   */
  public static PatchDb open(Path dir, PatchDbOptions options) {
    FileJournal.Opened opened = FileJournal.open(dir, options);
    return new PatchDb(opened.journal(), opened.id(), opened.root());
  }

  /** A database with the same behaviour that keeps nothing on disk, starting at revision 0. */
  public static PatchDb inMemory() {
    return new PatchDb(new MemoryJournal(), 0, StoreScan.initialRoot());
  }

  /** The id of the latest committed revision (0 for a new database). */
  public long sequence() {
    return visible.id();
  }

  /** A copy of the value at {@code pointer} ("" for the whole root); JSON null when absent. */
  public Dump dump(String pointer) {
    JsonPointer parsed = JsonPointer.parse(pointer);
    State state = visible;
    return new Dump(state.id(), JsonPatches.copyAt(state.root(), parsed));
  }

  /** The whole root. */
  public Dump dump() {
    return dump("");
  }

  /** A copy of the value at {@code pointer}, if present. */
  public Optional<JsonNode> get(String pointer) {
    return JsonPointer.parse(pointer).resolve(visible.root()).<JsonNode>map(JsonNode::deepCopy);
  }

  /**
   * Runs {@code change} on a private copy of the root and commits the difference as one revision,
   * durable before this returns. If {@code change} throws, nothing changes and the exception
   * propagates. Must not be called from inside a change function, and neither the change function
   * nor the caller may keep and later modify nodes of the root it was given (its result included):
   * they become the committed state.
   */
  public <R> Mutation<R> mutate(Function<ObjectNode, R> change) {
    if (writeLock.isHeldByCurrentThread()) {
      throw new PatchDbException("mutate was called from inside a change function");
    }
    R result;
    Optional<Revision> committed;
    long end;
    long id;
    writeLock.lock();
    try {
      ensureOpen();
      ObjectNode copy = head.deepCopy();
      result = change.apply(copy);
      ArrayNode patch = JsonPatches.diff(head, copy);
      if (patch.isEmpty()) {
        committed = Optional.empty();
        end = journal.writtenEnd();
      } else {
        Revision revision = new Revision(headId + 1, patch);
        end = journal.append(revision);
        pending.add(new Pending(revision, copy, end));
        head = copy;
        headId = revision.id();
        committed = Optional.of(revision);
      }
      id = headId;
    } finally {
      writeLock.unlock();
    }
    awaitDurable(end);
    if (journal.wantsCompaction()) {
      compact();
    }
    return new Mutation<>(result, committed, id);
  }

  /**
   * Applies an RFC 6902 patch (all six operations). An invalid patch, or one that would leave a
   * root that is not an object, fails with a {@link PatchDbException} and changes nothing. The
   * revision stored and sent to subscribers is the diff, not this patch.
   */
  @SuppressWarnings("ReferenceEquality") // a different node means the patch replaced the root
  public Mutation<Void> apply(ArrayNode jsonPatch) {
    return mutate(root -> {
      JsonNode patched = JsonPatches.applyInPlace(root, jsonPatch);
      if (patched != root) {
        if (!(patched instanceof ObjectNode object)) {
          throw new PatchDbException(
              "the patch would replace the root object with " + patched.getNodeType());
        }
        root.removeAll();
        root.setAll(object);
      }
      return null;
    });
  }

  private void awaitDurable(long end) {
    syncLock.lock();
    try {
      if (durableEnd < end) {
        long target = journal.writtenEnd();
        journal.force();
        durableEnd = target;
      }
      publish(durableEnd);
    } finally {
      syncLock.unlock();
    }
  }

  private void publish(long limit) {
    synchronized (publishLock) {
      Pending next;
      while ((next = pending.peek()) != null && next.end() <= limit) {
        pending.poll();
        visible = new State(next.revision().id(), next.root());
        for (Subscription subscriber : subscribers) {
          subscriber.deliver(next.revision());
        }
      }
    }
  }

  private void compact() {
    writeLock.lock();
    try {
      syncLock.lock();
      try {
        if (closed || !journal.wantsCompaction()) {
          return;
        }
        long target = journal.writtenEnd();
        journal.force();
        durableEnd = target;
        publish(target);
        journal.compact(headId, head);
      } finally {
        syncLock.unlock();
      }
    } catch (PatchDbException e) {
      // the revision that triggered this is already durable; report but do not fail the caller
      LOGGER.log(System.Logger.Level.WARNING, "compaction failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Subscribes to the revisions touching {@code pointer}; {@link Subscription#initial()} is the
   * value there now and the feed continues exactly from it.
   */
  public Subscription subscribe(String pointer) {
    JsonPointer parsed = JsonPointer.parse(pointer);
    synchronized (publishLock) {
      ensureOpen();
      State state = visible;
      Dump initial = new Dump(state.id(), JsonPatches.copyAt(state.root(), parsed));
      Subscription subscription = new Subscription(parsed, initial, this::unsubscribe);
      subscribers.add(subscription);
      return subscription;
    }
  }

  private void unsubscribe(Subscription subscription) {
    synchronized (publishLock) {
      subscribers.remove(subscription);
    }
  }

  /**
   * Gives every subscriber with nothing pending an empty revision at the current id, so a client
   * waiting for that id (read-your-writes) is released.
   */
  public void nudge() {
    synchronized (publishLock) {
      long id = visible.id();
      for (Subscription subscriber : subscribers) {
        subscriber.nudge(id);
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new PatchDbException("the database is closed");
    }
  }

  /** Closes every subscription and releases the store; idempotent. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      syncLock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        try {
          // a writer may have logged its revision and be waiting for the fsync we now do for it
          long target = journal.writtenEnd();
          journal.force();
          durableEnd = target;
          publish(target);
        } catch (PatchDbException e) {
          LOGGER.log(System.Logger.Level.WARNING, "final fsync failed: " + e.getMessage(), e);
        } finally {
          journal.close();
        }
      } finally {
        syncLock.unlock();
      }
    } finally {
      writeLock.unlock();
    }
    List<Subscription> open;
    synchronized (publishLock) {
      open = new ArrayList<>(subscribers);
    }
    open.forEach(Subscription::close);
  }
}
