package startos.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test WebSocket client that records text frames and the close. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
  public final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  public final CompletableFuture<String> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  /** Connects, or returns the HTTP status the upgrade was refused with (as an exception). */
  public static WsClient connect(URI uri) throws Exception {
    return connect(uri, Map.of());
  }

  /** Connects with extra handshake headers (e.g. the {@code Origin} a browser would send). */
  public static WsClient connect(URI uri, Map<String, String> headers) throws Exception {
    WsClient client = new WsClient();
    try {
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      headers.forEach(builder::header);
      client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
    return client;
  }

  /** The HTTP status of a refused upgrade, or -1 when it was accepted. */
  public static int refusedStatus(URI uri) throws Exception {
    return refusedStatus(uri, Map.of());
  }

  /** The HTTP status of a refused upgrade with these headers, or -1 when it was accepted. */
  public static int refusedStatus(URI uri, Map<String, String> headers) throws Exception {
    try (WsClient client = connect(uri, headers)) {
      return -1;
    } catch (WebSocketHandshakeException e) {
      return e.getResponse().statusCode();
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }
}
