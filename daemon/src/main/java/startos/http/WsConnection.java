package startos.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** An open continuation WebSocket, as a {@link WsContinuation} sees it. Thread-safe. */
public final class WsConnection {
  /** Close code when the session that opened the socket logs out or is killed. */
  public static final int SESSION_ENDED = 1008;

  /** Frames queued in Jetty but not yet written, per socket. */
  static final int MAX_IN_FLIGHT = 64;

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Session session;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  WsConnection(Session session) {
    this.session = session;
  }

  /**
   * Queues one text frame. Frames go out in call order; the call blocks only while {@link
   * #MAX_IN_FLIGHT} frames are still being written (back-pressure on a slow client), so a fast
   * stream does not pay a thread hand-off per frame.
   *
   * @throws ConnectionClosedException when the socket is closed or an earlier write failed
   */
  public void send(String text) {
    Throwable failed = failure.get();
    if (failed != null || !isOpen()) {
      throw new ConnectionClosedException("the WebSocket is closed", failed);
    }
    try {
      if (!inFlight.tryAcquire(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ConnectionClosedException(
            "the client has not read for %d s".formatted(SEND_TIMEOUT.toSeconds()), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionClosedException("interrupted while sending on the WebSocket", e);
    }
    session.sendText(
        text,
        Callback.from(
            inFlight::release,
            error -> {
              failure.compareAndSet(null, error);
              inFlight.release();
            }));
  }

  /** Waits until every queued frame has been written (or the socket failed). */
  public void flush() {
    try {
      if (inFlight.tryAcquire(MAX_IN_FLIGHT, SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        inFlight.release(MAX_IN_FLIGHT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isOpen() {
    return closed.getCount() > 0 && session.isOpen();
  }

  /** Closes with a code and a reason the client sees. Idempotent. */
  public void close(int code, String reason) {
    if (session.isOpen()) {
      session.close(code, reason, Callback.NOOP);
    }
  }

  /** Waits until the socket closes; true when it did within the timeout. */
  public boolean awaitClose(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code hook} once when the socket closes (at once if it already has). */
  public void onClose(Runnable hook) {
    closeHooks.add(hook);
    if (closed.getCount() == 0 && closeHooks.remove(hook)) {
      hook.run();
    }
  }

  void markClosed() {
    if (closed.getCount() == 0) {
      return;
    }
    closed.countDown();
    for (Runnable hook : closeHooks) {
      if (closeHooks.remove(hook)) {
        hook.run();
      }
    }
  }
}
