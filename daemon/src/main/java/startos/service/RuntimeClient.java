package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.effects.PeerUid;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The host's side of {@code service.sock}: one connection to the container runtime carrying
 * concurrent newline-delimited JSON-RPC requests, matched to replies by id.
 */
final class RuntimeClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeClient.class);
  static final ObjectMapper JSON = new ObjectMapper();

  private final String packageId;
  private final SocketChannel channel;
  private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private final Consumer<RuntimeClient> onClosed;

  private RuntimeClient(String packageId, SocketChannel channel, Consumer<RuntimeClient> onClosed) {
    this.packageId = packageId;
    this.channel = channel;
    this.onClosed = onClosed;
    Thread.ofVirtual().name("runtime-" + packageId).start(this::readLoop);
  }

  /**
   * Waits up to {@code timeout} for the runtime to listen on {@code socket}, then connects; {@code
   * onClosed} runs, with this client, on the connection's reader thread when the runtime closes the
   * connection (not when {@link #close} does).
   *
   * <p>The socket's directory is the package's, which could put a symlink to any host socket there:
   * only a socket (not a link) is connected to, and the connection is kept only when the process
   * listening runs as one of the package's own ids ({@code peerAllowed}, checked with SO_PEERCRED),
   * before a single byte is sent.
   */
  static RuntimeClient connect(
      String packageId,
      Path socket,
      LongPredicate peerAllowed,
      Duration timeout,
      Consumer<RuntimeClient> onClosed) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
        try {
          if (!isSocket(socket)) {
            throw new IOException(socket + " is not a socket");
          }
          SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
          ch.connect(UnixDomainSocketAddress.of(socket));
          OptionalLong peer = PeerUid.of(ch);
          if (peer.isPresent() && peerAllowed.test(peer.getAsLong())) {
            return new RuntimeClient(packageId, ch, onClosed);
          }
          ch.close();
          throw new RpcException(
              ErrorKind.AUTHORIZATION,
              "service.sock of "
                  + packageId
                  + " leads to a process of uid "
                  + (peer.isPresent() ? Long.toString(peer.getAsLong()) : "unknown")
                  + ", not into its container; refusing to talk to it");
        } catch (IOException e) {
          last = e.getMessage();
        }
      }
      sleep(20);
    }
    throw new RpcException(
        ErrorKind.LXC,
        "the container runtime of "
            + packageId
            + " did not listen on service.sock within "
            + timeout.toSeconds()
            + " s"
            + (last.isEmpty() ? "" : " (" + last + ")")
            + "; see package.logs for its output");
  }

  private static boolean isSocket(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000;
  }

  /** Calls a runtime method and waits for its answer; package errors keep their message. */
  JsonNode call(String method, JsonNode params, Duration timeout) {
    return call(method, params, Optional.of(timeout));
  }

  /**
   * Calls a runtime method and waits as long as the package works on it: {@code init} and {@code
   * exit} run the package's migrations, which take tens of minutes on real data, so no deadline may
   * cut them (StartOS sets none either). The wait ends when the runtime answers, when its
   * connection closes (the container died, or {@link #close} from cancel-install or startd's
   * shutdown), or when the calling thread is interrupted.
   */
  JsonNode callUntilAnswered(String method, JsonNode params) {
    return call(method, params, Optional.empty());
  }

  /** A client over an already-checked connection; tests play the runtime on the other end. */
  static RuntimeClient over(String packageId, SocketChannel channel) {
    return new RuntimeClient(packageId, channel, c -> {});
  }

  private JsonNode call(String method, JsonNode params, Optional<Duration> timeout) {
    long id = nextId.getAndIncrement();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    waiting.put(id, reply);
    ObjectNode request = JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", id);
    request.put("method", method);
    request.set("params", params);
    try {
      send(request);
      JsonNode answer =
          timeout.isPresent()
              ? reply.get(timeout.get().toMillis(), TimeUnit.MILLISECONDS)
              : reply.get();
      JsonNode error = answer.get("error");
      if (error != null && !error.isNull()) {
        throw new RpcException(
            ErrorKind.JAVASCRIPT,
            describe(error),
            JSON.createObjectNode().set("runtime", error),
            null);
      }
      JsonNode result = answer.get("result");
      return result == null ? JSON.nullNode() : result;
    } catch (TimeoutException e) {
      throw new RpcException(
          ErrorKind.TIMEOUT,
          packageId
              + ": "
              + method
              + " did not answer within "
              + timeout.orElseThrow().toSeconds()
              + " s");
    } catch (ExecutionException e) {
      throw new RpcException(
          ErrorKind.LXC,
          packageId + ": lost the connection to the container runtime during " + method,
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, packageId + ": interrupted during " + method);
    } finally {
      waiting.remove(id);
    }
  }

  /** Sends a notification (no reply expected), e.g. {@code callback}. */
  void notify(String method, JsonNode params) {
    ObjectNode request = JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("method", method);
    request.set("params", params);
    send(request);
  }

  boolean isOpen() {
    return !closed && channel.isOpen();
  }

  private void send(ObjectNode request) {
    byte[] bytes = (request.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (writeLock) {
      try {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      } catch (IOException e) {
        throw new RpcException(
            ErrorKind.LXC,
            packageId + ": cannot write to the container runtime: " + e.getMessage(),
            e);
      }
    }
  }

  private static String describe(JsonNode error) {
    String message = error.path("message").asText("error");
    JsonNode data = error.get("data");
    if (data != null && data.isTextual() && !data.asText().isEmpty()) {
      return message + ": " + data.asText();
    }
    String details = data == null ? "" : data.path("details").asText("");
    return details.isEmpty() || details.equals(message) ? message : message + ": " + details;
  }

  private void readLoop() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode message;
        try {
          message = JSON.readTree(line);
        } catch (IOException e) {
          LOG.warn("{}: unreadable line from the runtime: {}", packageId, line);
          continue;
        }
        JsonNode id = message.get("id");
        if (id != null && id.canConvertToLong()) {
          CompletableFuture<JsonNode> f = waiting.get(id.asLong());
          if (f != null) {
            f.complete(message);
          }
        }
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("{}: service.sock read failed: {}", packageId, e.getMessage());
      }
    } finally {
      boolean wasOpen = !closed;
      closed = true;
      if (wasOpen) {
        onClosed.accept(this);
      }
      IOException gone = new IOException("service.sock closed");
      waiting.values().forEach(f -> f.completeExceptionally(gone));
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("{}: closing service.sock: {}", packageId, e.getMessage());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, "interrupted while waiting for the runtime");
    }
  }
}
