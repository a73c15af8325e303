package startos.patchdb;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A feed of the revisions that touch one pointer, re-rooted at it (see {@link JsonPatches#scope}),
 * after the {@link #initial()} dump. The queue is unbounded: a slow reader never loses revisions.
 * Thread-safe; typically one thread polls.
 */
public final class Subscription implements AutoCloseable {
  private final JsonPointer pointer;
  private final Dump initial;
  private final Consumer<Subscription> onClose;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Revision> queue = new ArrayDeque<>();
  private boolean closed;

  Subscription(JsonPointer pointer, Dump initial, Consumer<Subscription> onClose) {
    this.pointer = pointer;
    this.initial = initial;
    this.onClose = onClose;
  }

  /** The value at the pointer when subscribing; the queue holds exactly the revisions after it. */
  public Dump initial() {
    return initial;
  }

  /** The pointer in its text form. */
  public String pointer() {
    return pointer.toString();
  }

  /**
   * The next revision, waiting up to {@code timeout}; empty on timeout or once closed (also when
   * closed while waiting).
   */
  public Optional<Revision> poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (queue.isEmpty() && !closed) {
        if (nanos <= 0) {
          return Optional.empty();
        }
        nanos = arrived.awaitNanos(nanos);
      }
      return closed ? Optional.empty() : Optional.of(queue.poll());
    } finally {
      lock.unlock();
    }
  }

  /** Revisions waiting to be polled. */
  public int pending() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the feed and wakes a blocked {@link #poll}; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    onClose.accept(this);
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Queues the scoped form of a committed revision unless nothing of it is under the pointer. */
  void deliver(Revision revision) {
    Revision scoped = revision.scoped(pointer);
    if (scoped.patch().isEmpty()) {
      return;
    }
    enqueue(scoped, false);
  }

  /** Queues an empty revision if nothing is pending, telling the reader it is up to date. */
  void nudge(long id) {
    enqueue(
        new Revision(id, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()),
        true);
  }

  private void enqueue(Revision revision, boolean onlyIfIdle) {
    lock.lock();
    try {
      if (closed || (onlyIfIdle && !queue.isEmpty())) {
        return;
      }
      queue.add(revision);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
