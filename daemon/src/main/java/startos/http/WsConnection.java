package startos.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** An open continuation WebSocket, as a {@link WsContinuation} sees it. Thread-safe. */
public final class WsConnection {
  /** Close code when the session that opened the socket logs out or is killed. */
  public static final int SESSION_ENDED = 1008;

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Session session;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();

  WsConnection(Session session) {
    this.session = session;
  }

  /**
   * Sends one text frame and waits until it is written.
   *
   * @throws ConnectionClosedException when the socket is closed or the write fails
   */
  public void send(String text) {
    if (!isOpen()) {
      throw new ConnectionClosedException("the WebSocket is closed", null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
    try {
      done.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ConnectionClosedException("sending on the WebSocket failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionClosedException("interrupted while sending on the WebSocket", e);
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
